package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/minio/minio-go/v7"
)

// PartSize is the multipart part size for uploads of unknown length. Set
// explicitly: left at 0 with size -1, minio-go plans for a 5 TiB object and
// buffers parts of about 537 MiB.
const PartSize = 16 << 20

// ErrTooLarge is returned when an upload goes past its limit.
var ErrTooLarge = errors.New("blob: over the size limit")

// Stored is what Put learned while streaming.
type Stored struct {
	Size   int64
	SHA256 string
}

// limitedHasher counts and hashes what passes through and fails once more
// than limit bytes have been read.
type limitedHasher struct {
	r     io.Reader
	h     hash.Hash
	n     int64
	limit int64
}

func (l *limitedHasher) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	l.h.Write(p[:n])
	if l.n > l.limit {
		return n, ErrTooLarge
	}
	return n, err
}

// Put streams r into the object key, hashing as it goes, and fails with
// ErrTooLarge (leaving no object) after more than limit bytes.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, contentType string, limit int64) (Stored, error) {
	lh := &limitedHasher{r: r, h: sha256.New(), limit: limit}
	_, err := s.client.PutObject(ctx, s.bucket, key, lh, -1, minio.PutObjectOptions{
		ContentType: contentType,
		PartSize:    PartSize,
	})
	if lh.n > limit {
		s.removeQuietly(key)
		return Stored{}, ErrTooLarge
	}
	if err != nil {
		s.removeQuietly(key)
		return Stored{}, fmt.Errorf("object storage: put %s: %w", key, err)
	}
	return Stored{Size: lh.n, SHA256: hex.EncodeToString(lh.h.Sum(nil))}, nil
}

func (s *Store) removeQuietly(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
}

// Open returns a reader of the object that also reads at offsets (for
// ranges and ZIP checks). The caller closes it.
func (s *Store) Open(ctx context.Context, key string) (*minio.Object, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("object storage: get %s: %w", key, err)
	}
	return obj, nil
}

// Remove deletes an object.
func (s *Store) Remove(ctx context.Context, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("object storage: remove %s: %w", key, err)
	}
	return nil
}

// SweepOrphans removes objects under prefix older than minAge for which
// referenced reports false, and returns how many it removed. An object is
// written before its row, so a young object without a row may be an upload
// in flight and is left alone.
func (s *Store) SweepOrphans(ctx context.Context, prefix string, minAge time.Duration, now time.Time, referenced func(key string) (bool, error)) (int, error) {
	removed := 0
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return removed, fmt.Errorf("object storage: list: %w", obj.Err)
		}
		if now.Sub(obj.LastModified) < minAge {
			continue
		}
		ok, err := referenced(obj.Key)
		if err != nil {
			return removed, err
		}
		if ok {
			continue
		}
		if err := s.Remove(ctx, obj.Key); err != nil {
			return removed, err
		}
		removed++
	}
	return removed, nil
}
