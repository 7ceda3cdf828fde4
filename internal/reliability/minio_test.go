package reliability

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// privateMinIO is a MinIO server of the test's own, on a port and in a
// directory of its own, so that the test may stop and start it while the
// other packages go on using the shared one.
type privateMinIO struct {
	t    *testing.T
	bin  string
	addr string
	dir  string
	log  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

const (
	privateMinIOUser     = "nyttig-rely"
	privateMinIOPassword = "nyttig-rely-secret"
)

// startPrivateMinIO starts MinIO from $NYTTIG_MINIO_BIN and stops it when
// the test ends.
func startPrivateMinIO(t *testing.T) *privateMinIO {
	t.Helper()
	bin := os.Getenv("NYTTIG_MINIO_BIN")
	if bin == "" {
		t.Fatal("NYTTIG_MINIO_BIN is not set: this test runs a MinIO server of its own to stop and start. " +
			"`make test` sets it to the binary deploy/dev/services.sh installs (~/.cache/nyttig/bin/minio).")
	}
	if _, err := exec.LookPath(bin); err != nil {
		t.Fatalf("NYTTIG_MINIO_BIN=%s is not an executable MinIO: %v", bin, err)
	}
	m := &privateMinIO{t: t, bin: bin, addr: freeAddr(t), dir: t.TempDir()}
	m.log = filepath.Join(t.TempDir(), "minio.log")
	t.Cleanup(m.stop)
	m.start()
	return m
}

// services is an empty database on the shared PostgreSQL and a bucket on
// this server.
func (m *privateMinIO) services(t *testing.T, databaseURL string) services {
	return services{databaseURL: databaseURL, s3Endpoint: m.addr, s3Key: privateMinIOUser,
		s3Secret: privateMinIOPassword, bucket: "nyttig"}
}

// start runs the server on its address and directory and waits until its
// object layer answers (/minio/health/cluster; /ready answers earlier).
func (m *privateMinIO) start() {
	m.t.Helper()
	logFile, err := os.OpenFile(m.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		m.t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(m.bin, "server", "--address", m.addr, m.dir)
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+privateMinIOUser, "MINIO_ROOT_PASSWORD="+privateMinIOPassword,
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
	client := &http.Client{Timeout: time.Second}
	waitUntil(m.t, "MinIO ready", time.Minute, func() bool {
		select {
		case <-done:
			m.t.Fatalf("MinIO exited while starting:\n%s", tail(m.log, 4000))
		default:
		}
		res, err := client.Get("http://" + m.addr + "/minio/health/cluster")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
}

// stop kills the server, as a crash would, and waits until it is gone.
func (m *privateMinIO) stop() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	<-m.done
	m.cmd = nil
}
