package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
)

// PartSize is the multipart part size for uploads of unknown length. Set
// explicitly: left at 0 with size -1, minio-go plans for a 5 TiB object and
// buffers parts of about 537 MiB.
const PartSize = 16 << 20

// smallObject is the size up to which an upload is read whole and stored
// with one PUT: most attachments are small, and a streamed upload of
// unknown size holds a PartSize buffer however little it carries.
const smallObject = 1 << 20

var smallBuffers = sync.Pool{New: func() any { b := make([]byte, smallObject); return &b }}

// ErrTooLarge is returned when an upload goes past its limit.
var ErrTooLarge = errors.New("blob: over the size limit")

// ErrSource is returned, wrapping the reader's own error, when the reader
// Put streams from fails: the upload broke off on the client's side, not
// the storage's.
var ErrSource = errors.New("blob: reading the upload failed")

// Stored is what Put learned while streaming.
type Stored struct {
	Size   int64
	SHA256 string
}

// limitedHasher counts and hashes what passes through. It fails with
// ErrTooLarge once more than limit bytes have been read, and with ErrSource
// when the reader fails; either error sticks.
type limitedHasher struct {
	r     io.Reader
	h     hash.Hash
	n     int64
	limit int64
	err   error
}

func (l *limitedHasher) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	l.h.Write(p[:n])
	switch {
	case l.n > l.limit:
		l.err = ErrTooLarge
	case err != nil && err != io.EOF:
		// Never passed on as it is: minio-go takes io.ErrUnexpectedEOF
		// (a client that hung up mid-file) for the end of the data and
		// would store the truncated object.
		l.err = fmt.Errorf("%w: %w", ErrSource, err)
	default:
		return n, err
	}
	return n, l.err
}

// Put streams r into the object key, hashing as it goes. It fails with
// ErrTooLarge after more than limit bytes, and with ErrSource when r fails;
// no object is left behind either way.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, contentType string, limit int64) (Stored, error) {
	lh := &limitedHasher{r: r, h: sha256.New(), limit: limit}
	buf := smallBuffers.Get().(*[]byte)
	defer smallBuffers.Put(buf)
	n, err := io.ReadFull(lh, *buf)
	opts := minio.PutObjectOptions{ContentType: contentType, PartSize: PartSize}
	switch {
	case lh.err != nil:
		return Stored{}, lh.err
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		// The whole file fit in the buffer: one PUT of a known size,
		// without the part buffer of a streamed upload.
		_, err = s.client.PutObject(ctx, s.bucket, key, bytes.NewReader((*buf)[:n]), int64(n), opts)
	default:
		_, err = s.client.PutObject(ctx, s.bucket, key, io.MultiReader(bytes.NewReader(*buf), lh), -1, opts)
	}
	if lh.err != nil {
		s.removeQuietly(key)
		return Stored{}, lh.err
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

// Exists reports whether the object is stored.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	_, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err == nil {
		return true, nil
	}
	if minio.ToErrorResponse(err).Code == "NoSuchKey" {
		return false, nil
	}
	return false, fmt.Errorf("object storage: stat %s: %w", key, err)
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
