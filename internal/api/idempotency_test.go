package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"nyttig/internal/model"
	"nyttig/workflow"
)

func withKey(key string) map[string]string { return map[string]string{"Idempotency-Key": key} }

func TestIdempotentCreate(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	call := e.newCall(t, e.call.OpensAt, e.call.ClosesAt)
	body := completeFields(call.ID)
	q := req{method: "POST", path: "/applications", token: owner.token, body: body, header: withKey("create-1")}

	first := e.expect(t, q, http.StatusCreated)
	if first.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("the first response is marked replayed")
	}
	again := e.expect(t, q, http.StatusCreated)
	if again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the retry is not marked Idempotent-Replayed: true (headers %v)", again.header)
	}
	if !bytes.Equal(first.body, again.body) {
		t.Errorf("the retry's body differs:\n%s\n%s", first.body, again.body)
	}
	if !strings.HasPrefix(again.header.Get("Content-Type"), "application/json") {
		t.Errorf("replayed Content-Type %q", again.header.Get("Content-Type"))
	}
	if n := e.countApplications(t, owner, call.ID); n != 1 {
		t.Errorf("%d applications after a retried POST, want 1", n)
	}

	t.Run("same key, another body", func(t *testing.T) {
		other := body
		other.Title = "Et annet prosjekt"
		res := e.expect(t, req{method: "POST", path: "/applications", token: owner.token, body: other, header: withKey("create-1")}, http.StatusUnprocessableEntity)
		errorBody(t, res)
		if n := e.countApplications(t, owner, call.ID); n != 1 {
			t.Errorf("%d applications, want 1", n)
		}
	})
	t.Run("same key, another path", func(t *testing.T) {
		app := decode[model.Application](t, first)
		res := e.expect(t, req{method: "POST", path: "/applications/" + itoa(app.ID) + "/events/submit", token: owner.token,
			body: body, header: withKey("create-1")}, http.StatusUnprocessableEntity)
		errorBody(t, res)
	})
	t.Run("keys are per user", func(t *testing.T) {
		someoneElse := e.user(t, workflow.Applicant)
		e.expect(t, req{method: "POST", path: "/applications", token: someoneElse.token, body: body, header: withKey("create-1")}, http.StatusCreated)
		if n := e.countApplications(t, someoneElse, call.ID); n != 1 {
			t.Errorf("%d applications of the other user, want 1", n)
		}
	})
	t.Run("a failed request leaves its key free", func(t *testing.T) {
		bad := req{method: "POST", path: "/applications", token: owner.token, body: map[string]any{"call_id": 0}, header: withKey("create-2")}
		e.expect(t, bad, http.StatusUnprocessableEntity)
		bad.body = body
		res := e.expect(t, bad, http.StatusCreated)
		if res.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("a fresh effect is marked replayed")
		}
	})
	t.Run("without a key, a retry creates another", func(t *testing.T) {
		c := e.newCall(t, e.call.OpensAt, e.call.ClosesAt)
		for range 2 {
			e.expect(t, req{method: "POST", path: "/applications", token: owner.token, body: completeFields(c.ID)}, http.StatusCreated)
		}
		if n := e.countApplications(t, owner, c.ID); n != 2 {
			t.Errorf("%d applications, want 2", n)
		}
	})
}

func TestIdempotentEvent(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	q := req{method: "POST", path: "/applications/" + itoa(app.ID) + "/events/submit", token: owner.token, header: withKey("submit-" + itoa(app.ID))}
	first := e.expect(t, q, http.StatusOK)
	again := e.expect(t, q, http.StatusOK)
	if again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(first.body, again.body) {
		t.Errorf("retried submit: replayed %q, body\n%s\nwant\n%s", again.header.Get("Idempotent-Replayed"), again.body, first.body)
	}
	// Without the key the same event is judged afresh, and refused.
	q.header = nil
	errorBody(t, e.expect(t, q, http.StatusConflict))
	if got := historyEvents(e.history(t, owner, app.ID)); len(got) != 2 || got[1] != "submit" {
		t.Errorf("history %v, want create and one submit", got)
	}
}

func TestIdempotentCreateCall(t *testing.T) {
	e := newEnv(t)
	admin := e.user(t, workflow.Admin)
	title := "Utlysning " + itoa(time.Now().UnixNano())
	q := req{method: "POST", path: "/calls", token: admin.token, header: withKey("call-1"), body: map[string]any{
		"fund_id": e.fund.ID, "title": title, "opens_at": time.Now().UTC().Format(time.RFC3339),
		"closes_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "max_amount_ore": 100_000_00,
	}}
	first := e.expect(t, q, http.StatusCreated)
	again := e.expect(t, q, http.StatusCreated)
	if again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(first.body, again.body) {
		t.Errorf("retried POST /calls: replayed %q, body\n%s\nwant\n%s", again.header.Get("Idempotent-Replayed"), again.body, first.body)
	}
	calls := decode[struct{ Items []model.Call }](t, e.expect(t, req{method: "GET", path: "/calls", token: admin.token}, http.StatusOK)).Items
	n := 0
	for _, c := range calls {
		if c.Title == title {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d calls titled %q, want 1", n, title)
	}
}

func TestIdempotencyKeyFormat(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	for _, key := range []string{"has space", "ålesund", strings.Repeat("k", 256), "tab\tkey"} {
		res := e.expect(t, req{method: "POST", path: "/applications", token: owner.token, body: completeFields(e.call.ID), header: withKey(key)}, http.StatusBadRequest)
		errorBody(t, res)
	}
	e.expect(t, req{method: "POST", path: "/applications", token: owner.token, body: completeFields(e.call.ID), header: withKey(strings.Repeat("k", 255))}, http.StatusCreated)
}
