package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"nyttig/workflow"
)

// TestFailedJobsForAdmins: a mail job that failed is listed, with its
// error and its next attempt, for administrators and nobody else.
func TestFailedJobsForAdmins(t *testing.T) {
	e := newEnv(t)
	admin := e.person(t, "Ada Admin", "Stab", nil, workflow.Admin)
	officer := e.person(t, "Ole Saksbehandler", "Stab", nil, workflow.CaseOfficer)
	ac := e.client(t)
	ac.login(admin)
	r := ac.get("/admin/jobs")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, `href="/admin/jobs" aria-current="page"`) {
		t.Error("the menu does not mark the jobs page")
	}

	_, err := e.st.Pool().Exec(context.Background(), `INSERT INTO river_job (kind, args, state, attempt, max_attempts, errors, queue, scheduled_at)
		VALUES ('deliver_mail', '{"notification_id": 4242}', 'retryable', 2, 15,
			ARRAY['{"at": "2026-11-24T08:00:00Z", "attempt": 2, "error": "dial tcp 127.0.0.1:1025: connection <refused>"}'::jsonb],
			'mail', '2026-11-24T08:00:16Z')`)
	noErr(t, err)
	r = ac.get("/admin/jobs")
	wantStatus(t, r, http.StatusOK)
	for _, want := range []string{"deliver_mail", "4242", "2 av 15", "24.11.2026 09:00", "24.11.2026 09:00", "Prøves igjen",
		"connection &lt;refused&gt;"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the jobs page lacks %q", want)
		}
	}

	oc := e.client(t)
	oc.login(officer)
	wantStatus(t, oc.get("/admin/jobs"), http.StatusForbidden)
	if strings.Contains(oc.get("/inbox").body, `href="/admin/jobs"`) {
		t.Error("a case officer's menu links to the jobs page")
	}
}
