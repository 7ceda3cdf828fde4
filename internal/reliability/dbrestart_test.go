package reliability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"nyttig/internal/httpx"
	"nyttig/internal/money"
)

// probeTimeout bounds every probe: an answer slower than this is a hang.
const probeTimeout = 15 * time.Second

// answer is one probe's outcome.
type answer struct {
	status     int
	code       string // the JSON error's code
	retryAfter string
	body       string
	err        error
}

func (a answer) String() string {
	if a.err != nil {
		return a.err.Error()
	}
	return fmt.Sprintf("%d %s", a.status, strings.TrimSpace(a.body))
}

// probe sends one API request as token, with key as Idempotency-Key when
// not empty.
func (s *server) probe(method, path, token, key, body, contentType string) answer {
	countOps(1)
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", "en")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	c := http.Client{Timeout: probeTimeout}
	res, err := c.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	a := answer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: b.String()}
	var e httpx.ErrorBody
	if json.Unmarshal(b.Bytes(), &e) == nil {
		a.code = e.Error.Code
	}
	return a
}

// TestDatabaseRestart stops PostgreSQL under load (pg_ctl stop -m fast):
// /readyz says 503, API requests fail cleanly with 503 and a JSON error
// (never 500, never a hang), and once PostgreSQL is back the same server
// process recovers by itself. The time it takes is recorded for the
// summary, not asserted.
func TestDatabaseRestart(t *testing.T) {
	pg := startPrivatePG(t)
	svc := sharedStorage(t, pg.url("nyttig"))
	s := startServer(t, svc)
	f := newFixture(t, svc.databaseURL, scale.clients, money.FromKroner(10_000_000))

	stop := f.loadInBackground(t, s, "dbrestart")
	f.waitApplications(t, scale.clients)

	pg.stop()
	countFault()
	waitUntil(t, "/readyz 503 with the database down", 30*time.Second, func() bool {
		status, body := s.readyz()
		return status == http.StatusServiceUnavailable && strings.Contains(body, "postgresql")
	})

	// Every kind of request fails the same clean way while it is down.
	token := f.tokens[0]
	call := fmt.Sprint(f.call.ID)
	probes := []struct{ method, path, key, body, contentType string }{
		{"GET", "/api/v1/me", "", "", ""},
		{"GET", "/api/v1/applications?call_id=" + call, "", "", ""},
		{"POST", "/api/v1/applications", "down-create", `{"call_id": ` + call + `, "title": "Under nedetid"}`, "application/json"},
		{"POST", "/api/v1/applications/1/events/submit", "down-submit", "", ""},
		{"PATCH", "/api/v1/applications/1", "", `{"title": "Ny tittel"}`, "application/json"},
	}
	rounds := 4 * scale.clients
	for i := range rounds {
		p := probes[i%len(probes)]
		a := s.probe(p.method, p.path, token, p.key, p.body, p.contentType)
		switch {
		case a.err != nil:
			violation(t, "%s %s with the database down: no answer within %s: %v", p.method, p.path, probeTimeout, a.err)
		case a.status == http.StatusInternalServerError:
			violation(t, "%s %s with the database down: %s", p.method, p.path, a)
		case a.status != http.StatusServiceUnavailable || a.code != "unavailable" || a.retryAfter == "":
			t.Errorf("%s %s with the database down: %s (Retry-After %q), want 503 unavailable with Retry-After",
				p.method, p.path, a, a.retryAfter)
		}
	}

	pg.start()
	back := time.Now()
	waitUntil(t, "/readyz 200 after the database returned", time.Minute, func() bool {
		status, _ := s.readyz()
		return status == http.StatusOK
	})
	ready := time.Since(back)
	waitUntil(t, "a request served after the database returned", time.Minute, func() bool {
		return s.probe("GET", "/api/v1/me", token, "", "", "").status == http.StatusOK
	})
	served := time.Since(back)
	if !s.running() {
		t.Fatal("nyttig serve exited during the database restart")
	}

	f.waitApplications(t, scale.clients)
	res := stop()
	countOps(res.Requests)
	reportFailures(t, res)
	n := f.verifyAcked(t, res)
	violated := s.check(t)
	t.Logf("%d requests, statuses %v; %d applications; /readyz 200 %s and first request served %s after PostgreSQL returned",
		res.Requests, res.Statuses, n, ready, served)
	note("database restart: %d probes while down all 503, load %d requests (%d × 503, %d × 500), %d applications; recovered without a restart: /readyz 200 %s and first request served %s after PostgreSQL returned; %d invariants violated",
		rounds, res.Requests, res.Statuses[http.StatusServiceUnavailable], res.Statuses[http.StatusInternalServerError], n,
		ready.Round(time.Millisecond), served.Round(time.Millisecond), len(violated))
}
