package blob

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/minio/minio-go/v7"
)

// An archive is a bucket copied to a directory for backup: every object as
// a file under objects/ at its key, and manifest.jsonl listing each one
// with its size, SHA-256 and content type. The manifest is written last,
// so a directory without one is an export that did not finish.
const (
	manifestName = "manifest.jsonl"
	objectsDir   = "objects"
)

// ArchivedObject is one line of an archive's manifest.
type ArchivedObject struct {
	Key         string `json:"key"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	ContentType string `json:"content_type,omitempty"`
}

// Export copies every object of the bucket into dir, which must not exist
// or be empty, and returns how many it copied.
func (s *Store) Export(ctx context.Context, dir string) (int, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return 0, fmt.Errorf("export: %s is not empty", dir)
	}
	var manifest []ArchivedObject
	for info := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Recursive: true}) {
		if info.Err != nil {
			return 0, fmt.Errorf("object storage: list: %w", info.Err)
		}
		entry, err := s.exportObject(ctx, dir, info.Key)
		if err != nil {
			return 0, err
		}
		manifest = append(manifest, entry)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return 0, err
	}
	var lines []byte
	for _, e := range manifest {
		line, _ := json.Marshal(e)
		lines = append(append(lines, line...), '\n')
	}
	if err := os.WriteFile(filepath.Join(dir, manifestName), lines, 0o640); err != nil {
		return 0, err
	}
	return len(manifest), nil
}

func (s *Store) exportObject(ctx context.Context, dir, key string) (ArchivedObject, error) {
	path, err := objectPath(dir, key)
	if err != nil {
		return ArchivedObject{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return ArchivedObject{}, fmt.Errorf("object storage: get %s: %w", key, err)
	}
	defer obj.Close()
	stat, err := obj.Stat()
	if err != nil {
		return ArchivedObject{}, fmt.Errorf("object storage: stat %s: %w", key, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return ArchivedObject{}, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return ArchivedObject{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), obj)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ArchivedObject{}, fmt.Errorf("export %s: %w", key, err)
	}
	if n != stat.Size {
		return ArchivedObject{}, fmt.Errorf("export %s: read %d bytes of %d", key, n, stat.Size)
	}
	return ArchivedObject{Key: key, Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), ContentType: stat.ContentType}, nil
}

// Import uploads every object of the archive in dir into the bucket, which
// is created when missing and must be empty, after checking each file
// against the manifest's size and SHA-256. It returns how many it uploaded.
func (s *Store) Import(ctx context.Context, dir string) (int, error) {
	manifest, err := readManifest(dir)
	if err != nil {
		return 0, err
	}
	if err := s.EnsureBucket(ctx); err != nil {
		return 0, err
	}
	for info := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Recursive: true, MaxKeys: 1}) {
		if info.Err != nil {
			return 0, fmt.Errorf("object storage: list: %w", info.Err)
		}
		return 0, fmt.Errorf("import: bucket %s is not empty; restore into a new bucket", s.bucket)
	}
	for _, e := range manifest {
		if err := s.importObject(ctx, dir, e); err != nil {
			return 0, err
		}
	}
	return len(manifest), nil
}

func (s *Store) importObject(ctx context.Context, dir string, e ArchivedObject) error {
	path, err := objectPath(dir, e.Key)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("import %s: %w", e.Key, err)
	}
	if n != e.Size || hex.EncodeToString(h.Sum(nil)) != e.SHA256 {
		return fmt.Errorf("import %s: the file does not match the manifest (size or SHA-256 differ)", e.Key)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err = s.client.PutObject(ctx, s.bucket, e.Key, f, e.Size, minio.PutObjectOptions{ContentType: e.ContentType, PartSize: PartSize})
	if err != nil {
		return fmt.Errorf("object storage: put %s: %w", e.Key, err)
	}
	return nil
}

func readManifest(dir string) ([]ArchivedObject, error) {
	f, err := os.Open(filepath.Join(dir, manifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("import: %s has no %s (not an archive, or an export that did not finish)", dir, manifestName)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var manifest []ArchivedObject
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		var e ArchivedObject
		if err := json.Unmarshal(lines.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("import: %s line %d: %w", manifestName, len(manifest)+1, err)
		}
		manifest = append(manifest, e)
	}
	return manifest, lines.Err()
}

// objectPath is where key lives in the archive; a key that would land
// outside it (absolute, "..", a directory marker) is refused.
func objectPath(dir, key string) (string, error) {
	rel := filepath.FromSlash(key)
	if !filepath.IsLocal(rel) || key[len(key)-1] == '/' {
		return "", fmt.Errorf("archive: object key %q cannot be a file name", key)
	}
	return filepath.Join(dir, objectsDir, rel), nil
}
