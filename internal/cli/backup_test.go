package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"nyttig/internal/blob"
	"nyttig/internal/config"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/seed"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
)

// TestBackupAndRestore walks docs/operations.md's backup and restore: it
// builds nyttig as deploy/Dockerfile does and runs it from an empty
// directory (so migrations and assets must be embedded), seeds a fresh
// database and bucket with the demo data and two attachments, backs both
// up with deploy/backup.sh, restores them with deploy/restore.sh into
// another fresh database and bucket, and expects `nyttig check` to find
// nothing wrong there, every table to hold as many rows as the original
// and every object to be back with its content. A second restore onto the
// now full target must be refused.
func TestBackupAndRestore(t *testing.T) {
	tmp := t.TempDir()
	bin := buildLikeImage(t)
	scripts, err := filepath.Abs("../../deploy")
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(tmp, "work") // empty: nothing to read from disk
	if err := os.Mkdir(work, 0o750); err != nil {
		t.Fatal(err)
	}
	type site struct{ db, bucket string }
	// pool_max_conns is a pgx parameter the PostgreSQL tools refuse: the
	// scripts must take the server's DATABASE_URL as it is.
	src := site{testenv.EmptyDatabase(t) + "&pool_max_conns=4", testenv.EmptyBucket(t)}
	dst := site{testenv.EmptyDatabase(t) + "&pool_max_conns=4", testenv.EmptyBucket(t)}
	run := func(s site, wantOK bool, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "DATABASE_URL="+s.db, "S3_BUCKET="+s.bucket,
			"PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if (err == nil) != wantOK {
			t.Fatalf("%s %v: %v (want success %v)\n%s", filepath.Base(name), args, err, wantOK, out)
		}
		return string(out)
	}

	if out := run(src, true, bin, "version"); !strings.Contains(out, "image-test") {
		t.Errorf("the version set at build time is lost: %q", out)
	}
	run(src, true, bin, "seed", "--demo")
	attach(t, src.db, src.bucket, map[string]string{"plan.txt": "Prosjektplan\n", "budsjett.csv": "post;beløp\nutstyr;180000\n"})
	run(src, true, bin, "check")

	backup := filepath.Join(tmp, "backup")
	run(src, true, filepath.Join(scripts, "backup.sh"), backup)
	out := run(dst, true, filepath.Join(scripts, "restore.sh"), backup)
	if strings.Contains(out, "VIOLATED") || !strings.Contains(out, "ok       objects_exist") {
		t.Errorf("nyttig check after the restore:\n%s", out)
	}
	if out := run(dst, true, bin, "check"); strings.Contains(out, "VIOLATED") {
		t.Errorf("nyttig check on the restored pair:\n%s", out)
	}

	srcRows, dstRows := rowCounts(t, src.db), rowCounts(t, dst.db)
	if fmt.Sprint(srcRows) != fmt.Sprint(dstRows) {
		t.Errorf("row counts differ:\noriginal %v\nrestored %v", srcRows, dstRows)
	}
	for _, table := range []string{"users", "applications", "attachments", "schema_migrations"} {
		if srcRows[table] == 0 {
			t.Errorf("the seeded database has no %s: the test proves nothing", table)
		}
	}
	srcObjects, dstObjects := objects(t, src.bucket), objects(t, dst.bucket)
	if len(srcObjects) < 2 || !slices.Equal(srcObjects, dstObjects) {
		t.Errorf("objects differ:\noriginal %v\nrestored %v", srcObjects, dstObjects)
	}

	if out := run(dst, false, filepath.Join(scripts, "restore.sh"), backup); !strings.Contains(out, "restore into a new, empty database") {
		t.Errorf("a restore onto a database in use was not refused clearly:\n%s", out)
	}
}

// attach adds files to the demo applicant's draft as the web page would.
func attach(t *testing.T, dbURL, bucket string, files map[string]string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := grants.New(st, openBucket(t, bucket))
	g.Limits = grants.Limits{FileBytes: 1 << 20, ApplicationBytes: 10 << 20}
	applicant, _, err := st.UserByEmail(ctx, seed.DemoUsers[0].Email)
	if err != nil {
		t.Fatal(err)
	}
	drafts, err := st.Applications(ctx, model.ApplicationFilter{ApplicantID: applicant.ID, State: "draft", Limit: 1})
	if err != nil || len(drafts) != 1 {
		t.Fatalf("the demo draft: %v (%d found)", err, len(drafts))
	}
	for name, body := range files {
		if _, err := g.AddAttachment(ctx, applicant, drafts[0].ID, name, strings.NewReader(body), "backup-test"); err != nil {
			t.Fatal(err)
		}
	}
}

// rowCounts counts the rows of every table of the database.
func rowCounts(t *testing.T, dbURL string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.Pool().Query(ctx, `SELECT schemaname || '.' || tablename FROM pg_tables
		WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, table := range tables {
		var n int64
		if err := st.Pool().QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[strings.TrimPrefix(table, "public.")] = n
	}
	return counts
}

// objects lists the bucket's objects as "key size etag".
func objects(t *testing.T, bucket string) []string {
	t.Helper()
	b := openBucket(t, bucket)
	var out []string
	for o := range b.Client().ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		out = append(out, fmt.Sprintf("%s %d %s", o.Key, o.Size, o.ETag))
	}
	return out
}

func openBucket(t *testing.T, bucket string) *blob.Store {
	t.Helper()
	cfg, err := config.FromEnv("s3")
	if err != nil {
		t.Fatal(err)
	}
	b, err := blob.Open(cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey, bucket, cfg.S3UseSSL)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
