package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// TestObjectStorageOutage stops the object storage under a running server:
// uploads and downloads answer 503 with a clear message, /readyz says so,
// and nothing is written or changed. Started again, it all works without a
// restart of Nyttig.
func TestObjectStorageOutage(t *testing.T) {
	m := testenv.StartMinIO(t)
	e := newEnvWith(t, m.Bucket("nyttig-outage"), grants.DefaultLimits)
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

	m.Stop()

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
		for _, leak := range []string{"dial", "connection refused", m.Addr} {
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

	m.Start()

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
