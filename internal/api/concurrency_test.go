package api_test

import (
	"bytes"
	"errors"
	"net/http"
	"sync"
	"testing"

	"nyttig/internal/model"
	"nyttig/workflow"
)

// parallel runs n requests at once, each built by q(i) on its own goroutine,
// released together, and returns the responses in order.
func (e *env) parallel(t *testing.T, n int, q func(i int) req) []response {
	t.Helper()
	out := make([]response, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			out[i], errs[i] = e.send(q(i))
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestConcurrentSubmit(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	const n = 50
	responses := e.parallel(t, n, func(int) req {
		return req{method: "POST", path: "/applications/" + itoa(app.ID) + "/events/submit", token: owner.token}
	})
	statuses := map[int]int{}
	for _, res := range responses {
		statuses[res.status]++
		if res.status != http.StatusOK {
			errorBody(t, res)
		}
	}
	if statuses[http.StatusOK] != 1 || statuses[http.StatusConflict] != n-1 {
		t.Errorf("statuses %v, want one 200 and %d × 409", statuses, n-1)
	}
	submits := 0
	for _, row := range e.history(t, owner, app.ID) {
		if row.Event == string(workflow.Submit) {
			submits++
		}
	}
	if submits != 1 {
		t.Errorf("%d submit rows in the history, want 1", submits)
	}
}

func TestConcurrentIdempotentCreate(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	call := e.newCall(t, e.call.OpensAt, e.call.ClosesAt)
	const n = 10
	responses := e.parallel(t, n, func(int) req {
		return req{method: "POST", path: "/applications", token: owner.token,
			body: completeFields(call.ID), header: map[string]string{"Idempotency-Key": "parallel-create"}}
	})
	var firstBody []byte
	fresh := 0
	for _, res := range responses {
		switch res.status {
		case http.StatusCreated:
			if res.header.Get("Idempotent-Replayed") != "true" {
				fresh++
			}
			if firstBody != nil && !bytes.Equal(res.body, firstBody) {
				t.Errorf("two 201 bodies differ:\n%s\n%s", firstBody, res.body)
			}
			firstBody = res.body
		case http.StatusConflict:
			errorBody(t, res)
		default:
			t.Errorf("got %s, want 201 or 409", res)
		}
	}
	if fresh != 1 {
		t.Errorf("%d requests created an application, want 1", fresh)
	}
	if got := e.countApplications(t, owner, call.ID); got != 1 {
		t.Errorf("%d applications exist, want 1", got)
	}
}

// countApplications counts u's applications to call.
func (e *env) countApplications(t *testing.T, u user, callID int64) int {
	t.Helper()
	res := e.expect(t, req{method: "GET", path: "/applications?limit=200&call_id=" + itoa(callID), token: u.token}, http.StatusOK)
	return len(decode[struct{ Items []model.Application }](t, res).Items)
}
