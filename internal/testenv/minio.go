package testenv

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"nyttig/internal/blob"
)

// MinIO is a MinIO server of a test's own, on a port and in a directory of
// its own, so that the test may stop and start it (an outage) while the
// other packages go on using the shared one.
type MinIO struct {
	t    testing.TB
	bin  string
	Addr string // host:port
	dir  string
	log  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// The private server's credentials.
const (
	MinIOUser     = "nyttig-private"
	MinIOPassword = "nyttig-private-secret"
)

// StartMinIO starts MinIO from $NYTTIG_MINIO_BIN (`make test` sets it to
// the binary deploy/dev/services.sh installs) and stops it when the test
// ends.
func StartMinIO(t testing.TB) *MinIO {
	t.Helper()
	bin := os.Getenv("NYTTIG_MINIO_BIN")
	if bin == "" {
		t.Fatal("NYTTIG_MINIO_BIN is not set: this test runs a MinIO server of its own to stop and start. " +
			"`make test` sets it to the binary deploy/dev/services.sh installs (~/.cache/nyttig/bin/minio).")
	}
	if _, err := exec.LookPath(bin); err != nil {
		t.Fatalf("NYTTIG_MINIO_BIN=%s is not an executable MinIO: %v", bin, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	m := &MinIO{t: t, bin: bin, Addr: addr, dir: t.TempDir()}
	m.log = filepath.Join(t.TempDir(), "minio.log")
	t.Cleanup(m.Stop)
	m.Start()
	return m
}

// Start runs the server on its address and directory and waits until its
// object layer answers.
func (m *MinIO) Start() {
	m.t.Helper()
	logFile, err := os.OpenFile(m.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		m.t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(m.bin, "server", "--address", m.Addr, m.dir)
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+MinIOUser, "MINIO_ROOT_PASSWORD="+MinIOPassword,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		m.t.Fatalf("start MinIO: %v", err)
	}
	m.cmd, m.done = cmd, make(chan struct{})
	done := m.done
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	m.waitUntilReady()
}

// waitUntilReady polls MinIO's cluster health endpoint until it answers
// 200, bounded so that a server that never comes up fails the test
// instead of hanging it. /minio/health/ready is not enough: it answers
// while the object layer is still starting, when S3 calls fail with
// "Server not initialized yet".
func (m *MinIO) waitUntilReady() {
	m.t.Helper()
	url := "http://" + m.Addr + "/minio/health/cluster"
	client := &http.Client{Timeout: time.Second}
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	giveUp := time.After(time.Minute)
	for {
		if res, err := client.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-m.done:
			m.t.Fatalf("MinIO exited while starting:\n%s", m.logTail())
		case <-giveUp:
			m.t.Fatalf("MinIO did not answer on %s within a minute:\n%s", url, m.logTail())
		case <-poll.C:
		}
	}
}

// Stop kills the server, as a crash would, and waits until it is gone.
func (m *MinIO) Stop() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	<-m.done
	m.cmd = nil
}

func (m *MinIO) logTail() string {
	b, _ := os.ReadFile(m.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// Bucket is a client for a fresh bucket of that name on the server.
func (m *MinIO) Bucket(name string) *blob.Store {
	m.t.Helper()
	b, err := blob.Open(m.Addr, MinIOUser, MinIOPassword, name, false)
	if err != nil {
		m.t.Fatal(err)
	}
	if err := b.EnsureBucket(context.Background()); err != nil {
		m.t.Fatalf("create bucket: %v", err)
	}
	return b
}
