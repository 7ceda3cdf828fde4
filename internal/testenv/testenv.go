// Package testenv owns the real services a test package runs against: a
// fresh PostgreSQL database and a fresh bucket per package, created before
// its tests and dropped after. A service that cannot be reached fails the
// package; it never skips (run the tests with `make test`).
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/minio/minio-go/v7"

	"nyttig/internal/blob"
	"nyttig/internal/config"
	"nyttig/internal/store"
)

var (
	db       *store.Store
	dbURL    string
	bucket   *blob.Store
	setupErr error
)

// Run creates the package's database and bucket, runs its tests, and drops
// both. Call it from TestMain. Each atEnd runs after the tests, before the
// database is dropped: for a package that reports on what its tests did.
func Run(m *testing.M, atEnd ...func()) {
	code := 1
	cleanup, err := setup()
	if err != nil {
		fmt.Fprintf(os.Stderr, "testenv: %v\nThe tests need PostgreSQL and MinIO; `make test` starts them.\n", err)
		setupErr = err
	} else {
		code = m.Run()
		for _, f := range atEnd {
			f()
		}
	}
	if cleanup != nil {
		cleanup()
	}
	os.Exit(code)
}

func setup() (func(), error) {
	cfg, err := config.FromEnv("db", "s3")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	name := "nyttig_test_" + randomHex(6)
	admin, err := pgx.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close(ctx)
		return nil, fmt.Errorf("create test database: %w", err)
	}
	admin.Close(ctx)
	u, _ := url.Parse(cfg.DatabaseURL)
	u.Path = "/" + name
	dbURL = u.String()
	dropDB := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, cfg.DatabaseURL); err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	}
	db, err = store.Open(ctx, dbURL)
	if err != nil {
		dropDB()
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		dropDB()
		return nil, fmt.Errorf("migrate test database: %w", err)
	}
	bucketName := "nyttig-test-" + randomHex(6)
	bucket, err = blob.Open(cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey, bucketName, cfg.S3UseSSL)
	if err == nil {
		err = bucket.EnsureBucket(ctx)
	}
	if err != nil {
		db.Close()
		dropDB()
		return nil, fmt.Errorf("object storage: %w", err)
	}
	return func() {
		db.Close()
		dropDB()
		removeBucket(bucket)
	}, nil
}

func removeBucket(b *blob.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := b.Client()
	for obj := range c.ListObjects(ctx, b.Bucket(), minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err == nil {
			_ = c.RemoveObject(ctx, b.Bucket(), obj.Key, minio.RemoveObjectOptions{})
		}
	}
	_ = c.RemoveBucket(ctx, b.Bucket())
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func mustSetUp(t testing.TB) {
	t.Helper()
	if db == nil {
		t.Fatalf("testenv: the package's TestMain must call testenv.Run (setup error: %v)", setupErr)
	}
}

// Store is the package's migrated database.
func Store(t testing.TB) *store.Store {
	mustSetUp(t)
	return db
}

// DatabaseURL is the URL of the package's database.
func DatabaseURL(t testing.TB) string {
	mustSetUp(t)
	return dbURL
}

// Blobs is the package's bucket.
func Blobs(t testing.TB) *blob.Store {
	mustSetUp(t)
	return bucket
}

// Unique returns s with a random suffix, for emails and names that must not
// collide between tests sharing the package's database.
func Unique(s string) string {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		return s[:i] + "+" + randomHex(4) + s[i:]
	}
	return s + " " + randomHex(4)
}

// EmptyDatabase creates a database with no schema at all, dropped when
// the test ends, and returns its URL: for tests of start-up itself.
func EmptyDatabase(t testing.TB) string {
	t.Helper()
	mustSetUp(t)
	cfg, err := config.FromEnv("db")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := "nyttig_test_" + randomHex(6)
	admin, err := pgx.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, cfg.DatabaseURL); err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, _ := url.Parse(cfg.DatabaseURL)
	u.Path = "/" + name
	return u.String()
}

// EmptyBucket creates a bucket with nothing in it, removed with its
// objects when the test ends, and returns its name: for tests that need a
// second bucket, such as a restore.
func EmptyBucket(t testing.TB) string {
	t.Helper()
	mustSetUp(t)
	cfg, err := config.FromEnv("s3")
	if err != nil {
		t.Fatal(err)
	}
	b, err := blob.Open(cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey, "nyttig-test-"+randomHex(6), cfg.S3UseSSL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.EnsureBucket(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeBucket(b) })
	return b.Bucket()
}
