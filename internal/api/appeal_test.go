package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"nyttig/internal/deadline"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// endOfDay is the last moment of a day in Oslo: when a deadline on it ends.
func endOfDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, int(999*time.Millisecond), deadline.Oslo)
}

// expectAppealRefused appeals application appID as u when it is now, and
// fails unless it is refused with 409 naming the deadline due.
func (e *env) expectAppealRefused(t testing.TB, u user, appID int64, due time.Time) {
	t.Helper()
	res := e.do(t, req{method: "POST", path: eventPath(appID, workflow.Appeal), token: u.token, header: english,
		body: map[string]any{"comment": "Jeg klager."}})
	if res.status != http.StatusConflict {
		t.Fatalf("appeal after the deadline: got %s, want 409", res)
	}
	if name := due.In(deadline.Oslo).Format("02.01.2006 15:04"); !strings.Contains(errorBody(t, res).Message, name) {
		t.Errorf("the refusal %s does not name the deadline %s", res.body, name)
	}
}

// TestAppealsOverHTTP appeals what may be appealed, within the deadline
// and with a reason; the case officer reverses, and the new decision gets
// a letter of its own beside the first, which stays as it was.
func TestAppealsOverHTTP(t *testing.T) {
	ctx := context.Background()
	decidedAt := time.Date(2026, 5, 4, 9, 0, 0, 0, deadline.Oslo) // a Monday
	c := newClock(decidedAt)
	e := newEnvAt(t, c)
	e.setFrame(t, money.FromKroner(1_000_000))
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	decider := e.user(t, workflow.DecisionMaker)
	requested := money.FromKroner(60_000)
	full := e.decided(t, owner, officer, decider, model.OutcomeApprove, requested, requested)
	rejected := e.decided(t, owner, officer, decider, model.OutcomeReject, requested, 0)
	late := e.decided(t, owner, officer, decider, model.OutcomeReject, requested, 0)
	dismissed := e.decided(t, owner, officer, decider, model.OutcomeDismiss, requested, 0)
	reason := map[string]any{"comment": "Søknaden oppfyller kriteriene."}

	// A grant in full cannot be appealed.
	res := e.do(t, req{method: "POST", path: eventPath(full.ID, workflow.Appeal), token: owner.token, body: reason, header: english})
	if res.status != http.StatusConflict || !strings.Contains(errorBody(t, res).Message, "cannot be appealed") {
		t.Fatalf("appealing a grant in full: got %s, want 409 saying it cannot be appealed", res)
	}

	// A rejection or a dismissal can, with a reason, within the deadline.
	c.Set(decidedAt.AddDate(0, 0, 10))
	res = e.expectFire(t, owner, rejected.ID, workflow.Appeal, nil, http.StatusUnprocessableEntity)
	if d := errorBody(t, res); d.Fields["comment"] == "" {
		t.Errorf("an appeal without a reason: fields %v, want comment", d.Fields)
	}
	if got := decode[model.Application](t, e.expectFire(t, owner, rejected.ID, workflow.Appeal, reason, http.StatusOK)); got.State != workflow.Appealed {
		t.Fatalf("appealed: state %s", got.State)
	}
	if got := e.application(t, officer, rejected.ID); got.State != workflow.Appealed {
		t.Errorf("GET after the appeal: state %s", got.State)
	}
	if got := decode[model.Application](t, e.expectFire(t, owner, dismissed.ID, workflow.Appeal, reason, http.StatusOK)); got.State != workflow.Appealed {
		t.Errorf("appealing a dismissal: state %s", got.State)
	}
	h := e.history(t, officer, rejected.ID)
	if last := h[len(h)-1]; last.Event != string(workflow.Appeal) || last.Comment != reason["comment"] {
		t.Errorf("last history row %+v, want the appeal with its reason", last)
	}

	// Past the deadline it is refused, naming the deadline: unopened, the
	// letter counts as received a week after it was stored (11 May), and
	// the deadline is three weeks later, the end of Monday 1 June.
	due := endOfDay(2026, 6, 1)
	if got, started, err := e.grants.AppealDeadline(ctx, late.ID); err != nil || !started || !got.Equal(due) {
		t.Fatalf("appeal deadline %v (started %v, %v), want %v", got, started, err, due)
	}
	c.Set(due.Add(time.Millisecond))
	e.expectAppealRefused(t, owner, late.ID, due)
	if got := e.application(t, owner, late.ID); got.State != workflow.Rejected {
		t.Errorf("a refused appeal moved the application to %s", got.State)
	}

	// Only the case officer reverses, with a reason: back to review.
	review := map[string]any{"comment": "Vi vurderer søknaden på nytt."}
	errorBody(t, e.expectFire(t, decider, rejected.ID, workflow.Reverse, review, http.StatusForbidden))
	if d := errorBody(t, e.expectFire(t, officer, rejected.ID, workflow.Reverse, nil, http.StatusUnprocessableEntity)); d.Fields["comment"] == "" {
		t.Errorf("a reversal without a reason: fields %v, want comment", d.Fields)
	}
	if got := decode[model.Application](t, e.expectFire(t, officer, rejected.ID, workflow.Reverse, review, http.StatusOK)); got.State != workflow.InReview {
		t.Fatalf("reversed: state %s, want in_review", got.State)
	}

	// The new decision is a grant, in a second letter; the first is kept.
	first := e.onlyLetter(t, owner, rejected.ID)
	firstPDF := e.download(t, officer, first)
	e.recommend(t, officer, rejected.ID, model.OutcomeApprove, requested)
	e.expectFire(t, decider, rejected.ID, workflow.Approve, nil, http.StatusOK)
	letters := e.letters(t, owner, rejected.ID)
	if len(letters) != 2 {
		t.Fatalf("letters after the new decision: %+v, want two", letters)
	}
	second, kept := letters[0], letters[1]
	if second.Version != 2 || second.DecisionID == nil || *second.DecisionID == *first.DecisionID || second.SHA256 == first.SHA256 {
		t.Errorf("the new letter %+v is not version 2 of a new decision (the first: %+v)", second, first)
	}
	if kept.ID != first.ID || kept.Version != 1 || kept.SHA256 != first.SHA256 || kept.Size != first.Size || !kept.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("the first letter changed: %+v, was %+v", kept, first)
	}
	if pdf := e.download(t, owner, kept); string(pdf) != string(firstPDF) {
		t.Error("the first letter downloads as other bytes than before the new decision")
	}
	if text := words(pdfText(t, firstPDF)); !strings.Contains(text, "Avslått") {
		t.Errorf("the first letter is not the rejection:\n%s", text)
	}
	if text := words(pdfText(t, e.download(t, owner, second))); !strings.Contains(text, "Innvilget") || strings.Contains(text, "Avslått") {
		t.Errorf("the second letter is not the grant:\n%s", text)
	}
}

// TestAppealDeadlineAcrossDST stores rejection letters late on 20 March
// 2026, before summer time starts on 29 March, and appeals each in the last
// millisecond of its deadline after a refusal one millisecond later. The
// deadline counts from the first opening, or from a week after the letter
// was stored if that comes first, and ends at midnight Oslo summer time.
func TestAppealDeadlineAcrossDST(t *testing.T) {
	ctx := context.Background()
	stored := time.Date(2026, 3, 20, 23, 30, 0, 0, deadline.Oslo)
	c := newClock(stored)
	e := newEnvAt(t, c)
	e.setFrame(t, money.FromKroner(1_000_000))
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	decider := e.user(t, workflow.DecisionMaker)
	at := func(m time.Month, d, h, min int) *time.Time {
		v := time.Date(2026, m, d, h, min, 0, 0, deadline.Oslo)
		return &v
	}
	for _, tc := range []struct {
		name    string
		opened  *time.Time // the project lead's first download; nil: never
		officer *time.Time // a case officer's download, which does not count
		due     time.Time
	}{
		{"opened at once", at(time.March, 20, 23, 45), nil, endOfDay(2026, time.April, 10)},
		{"opened after four days", at(time.March, 24, 18, 0), at(time.March, 21, 8, 0), endOfDay(2026, time.April, 14)},
		{"never opened", nil, at(time.March, 21, 8, 0), endOfDay(2026, time.April, 17)},
		{"opened in summer time, after the week", at(time.March, 30, 10, 0), nil, endOfDay(2026, time.April, 17)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.Set(stored)
			a := e.decided(t, owner, officer, decider, model.OutcomeReject, money.FromKroner(10_000), 0)
			l := e.onlyLetter(t, owner, a.ID)
			if !l.CreatedAt.Equal(stored) {
				t.Fatalf("the letter was stored at %v, want %v", l.CreatedAt, stored)
			}
			if tc.officer != nil {
				c.Set(*tc.officer)
				e.download(t, officer, l)
			}
			if tc.opened != nil {
				c.Set(*tc.opened)
				e.download(t, owner, l)
				if got := e.onlyLetter(t, owner, a.ID).FirstOpenedAt; got == nil || !got.Equal(*tc.opened) {
					t.Fatalf("first_opened_at %v, want %v", got, *tc.opened)
				}
			}
			if got, started, err := e.grants.AppealDeadline(ctx, a.ID); err != nil || !started || !got.Equal(tc.due) {
				t.Fatalf("appeal deadline %v (started %v, %v), want %v", got.In(deadline.Oslo), started, err, tc.due)
			}
			c.Set(tc.due.Add(time.Millisecond))
			e.expectAppealRefused(t, owner, a.ID, tc.due)
			c.Set(tc.due)
			res := e.expectFire(t, owner, a.ID, workflow.Appeal, map[string]any{"comment": "I siste liten."}, http.StatusOK)
			if got := decode[model.Application](t, res); got.State != workflow.Appealed {
				t.Errorf("appealed in the last millisecond: state %s", got.State)
			}
		})
	}
}
