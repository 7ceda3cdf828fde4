package blob_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nyttig/internal/blob"
	"nyttig/internal/config"
	"nyttig/internal/testenv"
)

func emptyBucket(t *testing.T) *blob.Store {
	t.Helper()
	cfg, err := config.FromEnv("s3")
	if err != nil {
		t.Fatal(err)
	}
	b, err := blob.Open(cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey, testenv.EmptyBucket(t), cfg.S3UseSSL)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExportImport copies a bucket out and into another one: every
// object comes back with its content and type; a tampered file, a full
// bucket and an unfinished export are refused.
func TestExportImport(t *testing.T) {
	ctx := context.Background()
	src := emptyBucket(t)
	want := map[string]string{
		"attachments/1/plan.pdf":  "%PDF-1.7 plan",
		"letters/7/v1.pdf":        "%PDF-1.7 vedtak",
		"attachments/2/data.csv":  strings.Repeat("a;b\n", 1000),
		"attachments/2/empty.txt": "",
	}
	for key, body := range want {
		if _, err := src.Put(ctx, key, strings.NewReader(body), "text/x-test", 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "bucket")
	if n, err := src.Export(ctx, dir); err != nil || n != len(want) {
		t.Fatalf("export: %d objects, %v", n, err)
	}
	if _, err := src.Export(ctx, dir); err == nil {
		t.Error("an export into a full directory was accepted")
	}

	dst := emptyBucket(t)
	if n, err := dst.Import(ctx, dir); err != nil || n != len(want) {
		t.Fatalf("import: %d objects, %v", n, err)
	}
	for key, body := range want {
		obj, err := dst.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(obj)
		info, statErr := obj.Stat()
		obj.Close()
		if err != nil || statErr != nil || string(got) != body || info.ContentType != "text/x-test" {
			t.Errorf("%s came back as %d bytes of %s (%v, %v)", key, len(got), info.ContentType, err, statErr)
		}
	}
	if _, err := dst.Import(ctx, dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("an import into a full bucket: %v", err)
	}

	tampered := filepath.Join(dir, "objects", "letters", "7", "v1.pdf")
	if err := os.WriteFile(tampered, []byte("%PDF-1.7 endret"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := emptyBucket(t).Import(ctx, dir); err == nil || !strings.Contains(err.Error(), "letters/7/v1.pdf") {
		t.Errorf("a tampered file was imported: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "manifest.jsonl")); err != nil {
		t.Fatal(err)
	}
	if _, err := emptyBucket(t).Import(ctx, dir); err == nil || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("an export without its manifest was imported: %v", err)
	}
}
