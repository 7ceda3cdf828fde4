package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"nyttig/internal/loadgen"
	"nyttig/internal/money"
	"nyttig/internal/testenv"
)

// TestObjectStorageOutage kills the object storage under load: uploads
// answer 503, creating, filling and submitting applications without files
// go on working, /readyz says 503, and afterwards no attachment row lacks
// its object (`nyttig check`, objects_exist).
func TestObjectStorageOutage(t *testing.T) {
	m := testenv.StartMinIO(t)
	svc := minioServices(m, testenv.EmptyDatabase(t))
	s := startServer(t, svc)
	f := newFixture(t, svc.databaseURL, scale.clients, money.FromKroner(10_000_000))

	stop := f.loadInBackground(t, s, "files")
	f.waitAttachments(t, scale.clients)

	m.Stop()
	countFault()
	waitUntil(t, "/readyz 503 with the object storage down", 30*time.Second, func() bool {
		status, body := s.readyz()
		return status == http.StatusServiceUnavailable && strings.Contains(body, "object storage")
	})

	// By hand: a new application is created and submitted; its upload is
	// refused with 503.
	token := f.tokens[0]
	fields, _ := json.Marshal(loadgen.Fields(f.call.ID, "Uten vedlegg"))
	created := s.probe("POST", "/api/v1/applications", token, "outage-create", string(fields), "application/json")
	var app struct{ ID int64 }
	if created.status != http.StatusCreated || json.Unmarshal([]byte(created.body), &app) != nil {
		violation(t, "create with the object storage down: %s, want 201", created)
	}
	appPath := fmt.Sprintf("/api/v1/applications/%d", app.ID)
	body, ctype := multipartPDF(t)
	for i := range scale.clients {
		up := s.probe("POST", appPath+"/attachments", token, fmt.Sprintf("outage-upload-%d", i), body, ctype)
		switch {
		case up.status == http.StatusInternalServerError || up.err != nil:
			violation(t, "upload with the object storage down: %s", up)
		case up.status != http.StatusServiceUnavailable || up.code != "unavailable" || up.retryAfter == "":
			t.Errorf("upload with the object storage down: %s (Retry-After %q), want 503 unavailable", up, up.retryAfter)
		}
	}
	if a := s.probe("POST", appPath+"/events/submit", token, "outage-submit", "", ""); a.status != http.StatusOK {
		violation(t, "submit with the object storage down: %s, want 200", a)
	}

	// And many clients do the same, without files, all acknowledged.
	cfg := f.load(s, "nofiles")
	cfg.PDFBytes, cfg.Applications = 0, scale.perClient
	nofiles, err := loadgen.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	countOps(nofiles.Requests)
	reportFailures(t, nofiles)
	if want := scale.clients * scale.perClient; nofiles.Count(loadgen.OpSubmit) != want {
		violation(t, "with the object storage down %d of %d applications without files were submitted: %v",
			nofiles.Count(loadgen.OpSubmit), want, nofiles.Statuses)
	}
	if status, _ := s.readyz(); status != http.StatusServiceUnavailable {
		t.Fatalf("the object storage came back by itself? /readyz %d", status)
	}

	m.Start()
	waitUntil(t, "/readyz 200 after the object storage returned", time.Minute, func() bool {
		status, _ := s.readyz()
		return status == http.StatusOK
	})
	f.waitAttachments(t, 1)
	files := stop()
	countOps(files.Requests)
	reportFailures(t, files)

	all := files
	all.Acked = append(append(append([]loadgen.Ack{}, files.Acked...), nofiles.Acked...),
		loadgen.Ack{Op: loadgen.OpCreate, Title: "Uten vedlegg", ApplicationID: app.ID, Status: created.status})
	all.Recovered = append(append([]loadgen.Ack{}, files.Recovered...), nofiles.Recovered...)
	n := f.verifyAcked(t, all)
	violated := s.check(t)
	t.Logf("with files: %d requests, statuses %v; without files during the outage: %d requests, statuses %v; %d applications",
		files.Requests, files.Statuses, nofiles.Requests, nofiles.Statuses, n)
	note("object storage outage: uploads 503 (%d × 503 to the load's clients, %d × 500), %d applications without files created and submitted during it, /readyz 503 then 200 without a restart; %d invariants violated",
		files.Statuses[http.StatusServiceUnavailable], files.Statuses[http.StatusInternalServerError]+nofiles.Statuses[http.StatusInternalServerError],
		nofiles.Count(loadgen.OpSubmit), len(violated))
}

// waitAttachments waits until at least n more attachments are stored
// than when called.
func (f fixture) waitAttachments(t *testing.T, n int) {
	t.Helper()
	count := func() int {
		var c int
		_ = f.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM attachments`).Scan(&c)
		return c
	}
	start := count()
	waitUntil(t, "more attachments", 2*time.Minute, func() bool { return count() >= start+n })
}

// multipartPDF is an upload body holding a small PDF, and its type.
func multipartPDF(t *testing.T) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, err := w.CreateFormFile("file", "plan.pdf")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = part.Write(loadgen.PDF(4 << 10))
	_ = w.Close()
	return b.String(), w.FormDataContentType()
}
