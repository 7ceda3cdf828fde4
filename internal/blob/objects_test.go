package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"nyttig/internal/blob"
	"nyttig/internal/config"
	"nyttig/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Run(m) }

// randomBytes are n reproducible pseudo-random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{1}).Read(b)
	return b
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// key is a fresh object key under prefix, so that tests sharing the
// package's bucket never meet.
func key(t *testing.T, prefix string) string {
	t.Helper()
	return prefix + strings.ReplaceAll(testenv.Unique(t.Name()), " ", "-")
}

// list returns the objects under prefix and the multipart uploads begun
// there and never finished.
func list(t *testing.T, b *blob.Store, prefix string) (objects, unfinished []string) {
	t.Helper()
	ctx := context.Background()
	for o := range b.Client().ListObjects(ctx, b.Bucket(), minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		objects = append(objects, o.Key)
	}
	for u := range b.Client().ListIncompleteUploads(ctx, b.Bucket(), prefix, true) {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		unfinished = append(unfinished, u.Key)
	}
	return objects, unfinished
}

// TestPutRoundTrip stores files smaller than a part, of exactly the limit,
// and spanning two parts, and reads them back whole and from an offset.
func TestPutRoundTrip(t *testing.T) {
	b := testenv.Blobs(t)
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		size  int
		limit int64
	}{
		{"one byte", 1, 1 << 20},
		{"exactly the limit", 1 << 20, 1 << 20},
		{"two parts", blob.PartSize + 12345, blob.PartSize * 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			content := randomBytes(c.size)
			k := key(t, "roundtrip/")
			st, err := b.Put(ctx, k, bytes.NewReader(content), "application/pdf", c.limit)
			if err != nil {
				t.Fatalf("put: %v", err)
			}
			t.Cleanup(func() { _ = b.Remove(context.Background(), k) })
			if st.Size != int64(c.size) || st.SHA256 != sha256Hex(content) {
				t.Errorf("stored %+v, want %d bytes with sha256 %s", st, c.size, sha256Hex(content))
			}
			obj, err := b.Open(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			defer obj.Close()
			info, err := obj.Stat()
			if err != nil || info.Size != int64(c.size) || info.ContentType != "application/pdf" {
				t.Errorf("stat: %+v, %v", info, err)
			}
			got, err := io.ReadAll(obj)
			if err != nil || !bytes.Equal(got, content) {
				t.Errorf("read back %d bytes (%v), differing from the %d stored", len(got), err, c.size)
			}
			tail := make([]byte, 1)
			if _, err := obj.ReadAt(tail, int64(c.size-1)); (err != nil && err != io.EOF) || tail[0] != content[c.size-1] {
				t.Errorf("ReadAt the last byte: %x, %v; want %x", tail, err, content[c.size-1])
			}
		})
	}
}

// failingReader yields its content, then fails with err in the same read
// that hands over the last byte, as a client that hangs up does.
type failingReader struct {
	content []byte
	err     error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n := copy(p, f.content)
	f.content = f.content[n:]
	if len(f.content) == 0 {
		return n, f.err
	}
	return n, nil
}

// TestPutLeavesNothingBehind makes Put fail in every way a reader can make
// it fail: no object and no unfinished multipart upload may stay.
func TestPutLeavesNothingBehind(t *testing.T) {
	b := testenv.Blobs(t)
	ctx := context.Background()
	reset := errors.New("connection reset by peer")
	for _, c := range []struct {
		name  string
		r     func() io.Reader
		limit int64
		want  []error // what the error must wrap
	}{
		{"one byte over the limit", func() io.Reader { return bytes.NewReader(randomBytes(1<<20 + 1)) }, 1 << 20,
			[]error{blob.ErrTooLarge}},
		{"over the limit after a whole part", func() io.Reader { return bytes.NewReader(randomBytes(blob.PartSize + 2)) }, blob.PartSize + 1,
			[]error{blob.ErrTooLarge}},
		{"the reader breaks off", func() io.Reader {
			return &failingReader{content: randomBytes(100 << 10), err: io.ErrUnexpectedEOF}
		}, 1 << 20, []error{blob.ErrSource, io.ErrUnexpectedEOF}},
		{"the reader breaks off at a part boundary", func() io.Reader {
			return &failingReader{content: randomBytes(blob.PartSize), err: io.ErrUnexpectedEOF}
		}, blob.PartSize * 2, []error{blob.ErrSource, io.ErrUnexpectedEOF}},
		{"the reader fails", func() io.Reader {
			return &failingReader{content: randomBytes(10), err: reset}
		}, 1 << 20, []error{blob.ErrSource, reset}},
	} {
		t.Run(c.name, func(t *testing.T) {
			prefix := key(t, "failed/") + "/"
			_, err := b.Put(ctx, prefix+"object", c.r(), "text/plain", c.limit)
			for _, want := range c.want {
				if !errors.Is(err, want) {
					t.Errorf("put: %v, want an error wrapping %v", err, want)
				}
			}
			if objects, unfinished := list(t, b, prefix); len(objects) != 0 || len(unfinished) != 0 {
				t.Errorf("left behind objects %v and unfinished uploads %v", objects, unfinished)
			}
		})
	}
}

func TestRemove(t *testing.T) {
	b := testenv.Blobs(t)
	ctx := context.Background()
	k := key(t, "remove/")
	if _, err := b.Put(ctx, k, strings.NewReader("hei"), "text/plain", 10); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.Exists(ctx, k); err != nil || !ok {
		t.Fatalf("exists before removal: %v, %v", ok, err)
	}
	if err := b.Remove(ctx, k); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if ok, err := b.Exists(ctx, k); err != nil || ok {
		t.Errorf("exists after removal: %v, %v", ok, err)
	}
	if objects, _ := list(t, b, k); len(objects) != 0 {
		t.Errorf("after Remove: %v", objects)
	}
	if err := b.Remove(ctx, k); err != nil {
		t.Errorf("removing what is gone: %v, want nil", err)
	}
}

// TestSweepOrphans checks the sweep's rules: only under the prefix, only
// older than minAge, only unreferenced; and that a failing lookup stops it.
func TestSweepOrphans(t *testing.T) {
	b := testenv.Blobs(t)
	ctx := context.Background()
	prefix := key(t, "sweep/") + "/"
	outside := key(t, "elsewhere/")
	orphan, kept := prefix+"orphan", prefix+"kept"
	for _, k := range []string{orphan, kept, outside} {
		if _, err := b.Put(ctx, k, strings.NewReader("data"), "text/plain", 10); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, k := range []string{orphan, kept, outside} {
			_ = b.Remove(context.Background(), k)
		}
	})
	var asked []string
	referenced := func(k string) (bool, error) {
		asked = append(asked, k)
		return k == kept, nil
	}

	n, err := b.SweepOrphans(ctx, prefix, time.Hour, time.Now(), referenced)
	if err != nil || n != 0 || len(asked) != 0 {
		t.Errorf("sweeping young objects: removed %d (%v), asked about %v; want nothing", n, err, asked)
	}
	failing := func(string) (bool, error) { return false, errors.New("database down") }
	if n, err := b.SweepOrphans(ctx, prefix, time.Hour, time.Now().Add(2*time.Hour), failing); err == nil || n != 0 {
		t.Errorf("with the lookup failing: removed %d, error %v; want none and the error", n, err)
	}
	if objects, _ := list(t, b, prefix); len(objects) != 2 {
		t.Errorf("a failed sweep left %v, want both objects", objects)
	}

	n, err = b.SweepOrphans(ctx, prefix, time.Hour, time.Now().Add(2*time.Hour), referenced)
	if err != nil || n != 1 {
		t.Errorf("sweeping old objects: removed %d (%v), want 1", n, err)
	}
	if objects, _ := list(t, b, prefix); !slices.Equal(objects, []string{kept}) {
		t.Errorf("after the sweep: %v, want [%s]", objects, kept)
	}
	if slices.Contains(asked, outside) {
		t.Errorf("the sweep looked outside its prefix: %v", asked)
	}
	if objects, _ := list(t, b, outside); len(objects) != 1 {
		t.Errorf("the sweep removed %s outside its prefix", outside)
	}
}

// TestBucket checks EnsureBucket and Ping on a bucket of their own.
func TestBucket(t *testing.T) {
	testenv.Blobs(t)
	ctx := context.Background()
	cfg, err := config.FromEnv("s3")
	if err != nil {
		t.Fatal(err)
	}
	name := strings.ReplaceAll(testenv.Unique("nyttig-blob-test"), " ", "-")
	b, err := blob.Open(cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey, name, cfg.S3UseSSL)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Ping(ctx); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("ping before the bucket exists: %v, want it missing", err)
	}
	for range 2 {
		if err := b.EnsureBucket(ctx); err != nil {
			t.Fatalf("ensure bucket: %v", err)
		}
	}
	t.Cleanup(func() { _ = b.Client().RemoveBucket(context.Background(), name) })
	if err := b.Ping(ctx); err != nil {
		t.Errorf("ping: %v", err)
	}
	if b.Bucket() != name {
		t.Errorf("Bucket() = %q, want %q", b.Bucket(), name)
	}
}
