package api_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nyttig/internal/blob"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
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
	privateMinIOUser     = "nyttig-outage"
	privateMinIOPassword = "nyttig-outage-secret"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	m := &privateMinIO{t: t, bin: bin, addr: addr, dir: t.TempDir()}
	m.log = filepath.Join(t.TempDir(), "minio.log")
	t.Cleanup(m.stop)
	m.start()
	return m
}

// start runs the server on its address and directory and waits until it
// answers.
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
	m.waitUntilReady()
}

// waitUntilReady polls MinIO's cluster health endpoint until it answers
// 200: a readiness wait, bounded so that a server that never comes up
// fails the test instead of hanging it. /minio/health/ready is not enough:
// it answers 200 while the object layer is still starting, when S3 calls
// fail with "Server not initialized yet".
func (m *privateMinIO) waitUntilReady() {
	m.t.Helper()
	url := "http://" + m.addr + "/minio/health/cluster"
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

// stop kills the server, as a crash would, and waits until it is gone.
func (m *privateMinIO) stop() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	<-m.done
	m.cmd = nil
}

func (m *privateMinIO) logTail() string {
	b, _ := os.ReadFile(m.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// bucket is a client for a fresh bucket on the server.
func (m *privateMinIO) bucket(name string) *blob.Store {
	m.t.Helper()
	b, err := blob.Open(m.addr, privateMinIOUser, privateMinIOPassword, name, false)
	if err != nil {
		m.t.Fatal(err)
	}
	if err := b.EnsureBucket(context.Background()); err != nil {
		m.t.Fatalf("create bucket: %v", err)
	}
	return b
}

// TestObjectStorageOutage stops the object storage under a running server:
// uploads and downloads answer 503 with a clear message, /readyz says so,
// and nothing is written or changed. Started again, it all works without a
// restart of Nyttig.
func TestObjectStorageOutage(t *testing.T) {
	m := startPrivateMinIO(t)
	e := newEnvWith(t, m.bucket("nyttig-outage"), grants.DefaultLimits)
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	app := e.create(t, owner, completeFields(e.call.ID))
	plan := e.attach(t, owner, app.ID, "plan.pdf", pdfFile())
	budget := e.attach(t, owner, app.ID, "budsjett.csv", []byte("post;beløp\nInnleie;80000\n"))
	appPath := "/applications/" + itoa(app.ID)
	before := decode[model.Application](t, e.expect(t, req{method: "GET", path: appPath, token: owner.token}, http.StatusOK))
	historyBefore := e.history(t, owner, app.ID)
	e.setFrame(t, money.FromKroner(1_000_000))
	decider := e.user(t, workflow.DecisionMaker)
	rejected := e.decided(t, owner, officer, decider, model.OutcomeReject, money.FromKroner(10_000), 0)
	letter := e.onlyLetter(t, owner, rejected.ID)

	m.stop()

	unavailable := func(what string, res response) {
		t.Helper()
		if res.status != http.StatusServiceUnavailable {
			t.Fatalf("%s with the storage down: got %s, want 503", what, res)
		}
		d := errorBody(t, res)
		if d.Code != "unavailable" || !strings.Contains(d.Message, "File storage is not answering") {
			t.Errorf("%s with the storage down: %+v, want unavailable saying the file storage is not answering", what, d)
		}
		if upload := what == "upload"; strings.Contains(d.Message, "nothing was stored") != upload {
			t.Errorf("%s with the storage down: %q must say that nothing was stored for an upload, and only then", what, d.Message)
		}
		if res.header.Get("Retry-After") == "" {
			t.Errorf("%s with the storage down: no Retry-After", what)
		}
		for _, leak := range []string{"dial", "connection refused", m.addr} {
			if bytes.Contains(res.body, []byte(leak)) {
				t.Errorf("%s with the storage down leaks %q: %s", what, leak, res)
			}
		}
	}
	english := map[string]string{"Accept-Language": "en"}
	unavailable("upload", e.upload(t, owner, app.ID, "ny.pdf", pdfFile()))
	unavailable("download by the owner", e.do(t, req{method: "GET", path: attachmentPath(plan.ID), token: owner.token, header: english}))
	unavailable("download by a case officer", e.do(t, req{method: "GET", path: attachmentPath(plan.ID), token: officer.token, header: english}))
	unavailable("letter download", e.do(t, req{method: "GET", path: letterPath(letter.ID), token: owner.token, header: english}))
	if l := e.onlyLetter(t, owner, rejected.ID); l.FirstOpenedAt != nil {
		t.Errorf("a letter download that failed was recorded as the first opening: %v", l.FirstOpenedAt)
	}
	// A decision goes through; its letter waits for the storage.
	granted := e.decided(t, owner, officer, decider, model.OutcomeApprove, money.FromKroner(10_000), money.FromKroner(10_000))
	if l := e.letters(t, owner, granted.ID); len(l) != 0 {
		t.Errorf("with the storage down a letter was recorded: %+v", l)
	}

	res, err := http.Get(e.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	ready, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(ready), "object storage") {
		t.Errorf("/readyz with the storage down: %d %q, want 503 naming the object storage", res.StatusCode, ready)
	}

	if list := e.attachments(t, owner, app.ID); len(list) != 2 {
		t.Errorf("with the storage down the list is %+v, want the 2 files stored before", list)
	}
	after := decode[model.Application](t, e.expect(t, req{method: "GET", path: appPath, token: owner.token}, http.StatusOK))
	if after.Version != before.Version || !after.UpdatedAt.Equal(before.UpdatedAt) || after.State != before.State {
		t.Errorf("the outage changed the application: version %d → %d, updated %v → %v", before.Version, after.Version, before.UpdatedAt, after.UpdatedAt)
	}
	if h := e.history(t, owner, app.ID); len(h) != len(historyBefore) {
		t.Errorf("the outage wrote history: %v, before %v", historyEvents(h), historyEvents(historyBefore))
	}

	// A file deleted now loses its row at once; its object stays behind
	// until the sweeper finds it.
	e.expect(t, req{method: "DELETE", path: attachmentPath(budget.ID), token: owner.token}, http.StatusNoContent)

	m.start()

	if n, err := e.grants.IssuePendingLetters(context.Background()); err != nil || n < 1 {
		t.Errorf("pending letters after the outage: issued %d (%v), want the grant's", n, err)
	}
	e.download(t, owner, e.onlyLetter(t, owner, granted.ID))
	e.download(t, owner, letter)
	added := e.attach(t, owner, app.ID, "ny.pdf", pdfFile())
	dl := e.expect(t, req{method: "GET", path: attachmentPath(plan.ID), token: officer.token}, http.StatusOK)
	if !bytes.Equal(dl.body, pdfFile()) {
		t.Errorf("after the outage the file downloads as other bytes")
	}
	res, err = http.Get(e.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("/readyz after the outage: %d", res.StatusCode)
	}
	objects, _ := e.stored(t, objectPrefix(app.ID))
	if len(objects) != 3 {
		t.Errorf("after the outage the bucket holds %v, want plan, the deleted budget's orphan and the new file", objects)
	}
	sweeper := grants.New(e.store, e.blobs)
	sweeper.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if n, err := sweeper.SweepOrphans(context.Background()); err != nil || n != 1 {
		t.Errorf("sweep after the outage: removed %d (%v), want the deleted file's object", n, err)
	}
	if list := e.attachments(t, owner, app.ID); len(list) != 2 || list[0].ID != plan.ID || list[1].ID != added.ID {
		t.Errorf("after the outage: %+v, want plan.pdf and ny.pdf", list)
	}
}
