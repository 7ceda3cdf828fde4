package reliability

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"nyttig/internal/blob"
	"nyttig/internal/config"
	"nyttig/internal/testenv"
)

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// binary builds `nyttig` once for the package.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "nyttig-reliability-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "nyttig")
		if out, err := exec.Command("go", "build", "-o", binPath, "nyttig/cmd/nyttig").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func removeBinary() {
	if binDir != "" {
		os.RemoveAll(binDir)
	}
}

// freeAddr returns a loopback address nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// services is what a `nyttig` process is pointed at.
type services struct {
	databaseURL string
	s3Endpoint  string
	s3Key       string
	s3Secret    string
	bucket      string
}

// env is the process environment for s: the test's own, with s on top.
func (s services) env() []string {
	return append(os.Environ(), "DATABASE_URL="+s.databaseURL, "S3_ENDPOINT="+s.s3Endpoint,
		"S3_ACCESS_KEY="+s.s3Key, "S3_SECRET_KEY="+s.s3Secret, "S3_BUCKET="+s.bucket, "S3_USE_SSL=false",
		"NYTTIG_BASE_URL=http://nyttig.test")
}

// sharedServices is an empty database on the shared PostgreSQL and a
// fresh bucket on the shared MinIO (created by `nyttig serve`, removed
// when the test ends). A bucket per test: a server's sweeper removes the
// objects its database does not know.
func sharedServices(t *testing.T) services {
	t.Helper()
	cfg, err := config.FromEnv("db", "s3")
	if err != nil {
		t.Fatal(err)
	}
	s := services{databaseURL: testenv.EmptyDatabase(t), s3Endpoint: cfg.S3Endpoint, s3Key: cfg.S3AccessKey,
		s3Secret: cfg.S3SecretKey, bucket: newBucketName()}
	t.Cleanup(func() { removeBucket(t, s) })
	return s
}

// sharedStorage is a fresh bucket on the shared MinIO for a server whose
// database is databaseURL.
func sharedStorage(t *testing.T, databaseURL string) services {
	t.Helper()
	cfg, err := config.FromEnv("s3")
	if err != nil {
		t.Fatal(err)
	}
	s := services{databaseURL: databaseURL, s3Endpoint: cfg.S3Endpoint, s3Key: cfg.S3AccessKey,
		s3Secret: cfg.S3SecretKey, bucket: newBucketName()}
	t.Cleanup(func() { removeBucket(t, s) })
	return s
}

func newBucketName() string {
	return strings.ToLower(strings.ReplaceAll(testenv.Unique("nyttig-rely"), " ", "-"))
}

func (s services) blobs(t *testing.T) *blob.Store {
	t.Helper()
	b, err := blob.Open(s.s3Endpoint, s.s3Key, s.s3Secret, s.bucket, false)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func removeBucket(t *testing.T, s services) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := s.blobs(t).Client()
	for obj := range c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err == nil {
			_ = c.RemoveObject(ctx, s.bucket, obj.Key, minio.RemoveObjectOptions{})
		}
	}
	_ = c.RemoveBucket(ctx, s.bucket)
}

// server is a `nyttig serve` process, started again on the same address
// after a kill.
type server struct {
	t    *testing.T
	bin  string
	env  []string
	addr string
	url  string
	log  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// startServer starts `nyttig serve` against svc and waits until it is
// ready; it is killed when the test ends.
func startServer(t *testing.T, svc services) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{t: t, bin: binary(t), env: append(svc.env(), "NYTTIG_ADDR="+addr), addr: addr, url: "http://" + addr,
		log: filepath.Join(t.TempDir(), "serve.log")}
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			t.Logf("server log (tail):\n%s", tail(s.log, 6000))
		}
	})
	s.start()
	s.waitReady()
	return s
}

func (s *server) start() {
	s.t.Helper()
	logFile, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(s.bin, "serve")
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start nyttig serve: %v", err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	done := s.done
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
}

// kill sends SIGKILL, as a crash or the OOM killer would, and waits until
// the process is gone.
func (s *server) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// running reports whether the process has not exited.
func (s *server) running() bool {
	if s.cmd == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// readyz returns /readyz's status and body, or 0 without an answer.
func (s *server) readyz() (int, string) {
	c := http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(s.url + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.String()
}

func (s *server) waitReady() {
	s.t.Helper()
	waitUntil(s.t, s.url+" ready", time.Minute, func() bool {
		if !s.running() {
			s.t.Fatalf("nyttig serve exited while starting:\n%s", tail(s.log, 4000))
		}
		status, _ := s.readyz()
		return status == http.StatusOK
	})
}

// check runs `nyttig check` against the server's services and returns the
// invariants it reports violated; it fails the test when the check could
// not run at all.
func (s *server) check(t *testing.T) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.bin, "check")
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	var violated []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "VIOLATED" {
			violated = append(violated, f[1])
		}
	}
	if err != nil && len(violated) == 0 {
		t.Fatalf("nyttig check could not run: %v\n%s", err, out)
	}
	for _, v := range violated {
		violation(t, "nyttig check: %s violated\n%s", v, out)
	}
	return violated
}

// waitUntil polls cond every 20 ms until it holds, failing the test after
// bound: waiting for processes, not measuring them.
func waitUntil(t *testing.T, what string, bound time.Duration, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	giveUp := time.After(bound)
	for !cond() {
		select {
		case <-tick.C:
		case <-giveUp:
			t.Fatalf("%s: not within %s", what, bound)
		}
	}
}

func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
