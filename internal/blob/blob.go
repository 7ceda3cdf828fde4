// Package blob owns Nyttig's object storage: the minio-go client for an
// S3-compatible server, the bucket, and the readiness check.
package blob

import (
	"context"
	"fmt"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Store is a bucket on an S3-compatible server.
type Store struct {
	client *minio.Client
	bucket string
}

// Open makes a client for the bucket. It does not contact the server.
func Open(endpoint, accessKey, secretKey, bucket string, useSSL bool) (*Store, error) {
	c, err := minio.New(endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(accessKey, secretKey, ""),
		Secure: useSSL,
		// Two tries, not ten: when the storage is down a user should get
		// a clear 503 within seconds rather than wait out the backoff.
		MaxRetries: 2,
	})
	if err != nil {
		return nil, fmt.Errorf("object storage client: %w", err)
	}
	return &Store{client: c, bucket: bucket}, nil
}

// Client is the underlying minio-go client.
func (s *Store) Client() *minio.Client { return s.client }

// Bucket is the bucket's name.
func (s *Store) Bucket() string { return s.bucket }

// EnsureBucket creates the bucket when it does not exist.
func (s *Store) EnsureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("object storage: %w", err)
	}
	if ok {
		return nil
	}
	if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{}); err != nil {
		// Another instance may have made it first.
		if exists, err2 := s.client.BucketExists(ctx, s.bucket); err2 == nil && exists {
			return nil
		}
		return fmt.Errorf("object storage: create bucket %s: %w", s.bucket, err)
	}
	return nil
}

// Ping checks that the server answers and the bucket exists.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("object storage: %w", err)
	}
	if !ok {
		return fmt.Errorf("object storage: bucket %s is missing", s.bucket)
	}
	return nil
}
