package grants_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/notify"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// notes returns u's notifications, oldest first.
func (w *world) notes(u model.User) []notify.Item {
	w.t.Helper()
	items, err := w.st.Notifications(w.ctx, u.ID, false, 0, 500)
	if err != nil {
		w.t.Fatal(err)
	}
	slices.Reverse(items)
	return items
}

// kindsOf lists the kinds of u's notifications about application appID.
func (w *world) kindsOf(u model.User, appID int64) []notify.Kind {
	w.t.Helper()
	var out []notify.Kind
	for _, it := range w.notes(u) {
		if it.ApplicationID == appID {
			out = append(out, it.Kind)
		}
	}
	return out
}

// mailJobs counts the queued mail jobs of u's notifications.
func (w *world) mailJobs(u model.User) int {
	w.t.Helper()
	var n int
	err := w.st.Pool().QueryRow(w.ctx, `SELECT count(*) FROM river_job j JOIN notifications n
		ON n.id = (j.args->>'notification_id')::bigint WHERE j.kind = 'deliver_mail' AND n.user_id = $1`, u.ID).Scan(&n)
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

func wantKinds(t *testing.T, who string, got []notify.Kind, want ...notify.Kind) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s was notified of %v, want %v", who, got, want)
	}
}

// TestNotificationsFollowTheLifecycle walks a grant from submission to
// its final report and checks that each person who must act next is
// told, and nobody else: not the one who acted, not one who declared a
// conflict of interest.
func TestNotificationsFollowTheLifecycle(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	conflicted := w.user("Kåre Inhabil", "Stab", nil, workflow.DecisionMaker)
	amount := money.FromKroner(40_000)

	a := w.inReview(amount)
	wantKinds(t, "the case officer", w.kindsOf(w.officer, a.ID), notify.ApplicationSubmitted)
	wantKinds(t, "the applicant", w.kindsOf(w.applicant, a.ID))

	if _, err := w.g.Declare(w.ctx, conflicted, a.ID, true, "Nær venn av søkeren", "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.g.AssignReviewers(w.ctx, w.officer, a.ID, []int64{w.reviewers[1].ID}, "t"); err != nil {
		t.Fatal(err)
	}
	wantKinds(t, "the assigned reviewer", w.kindsOf(w.reviewers[1], a.ID), notify.ReviewAssigned)
	wantKinds(t, "a reviewer not assigned", w.kindsOf(w.reviewers[2], a.ID))

	if _, err := w.g.SaveRecommendation(w.ctx, w.officer, a.ID, model.Recommendation{Outcome: model.OutcomeApprove,
		AmountOre: amount, Reasons: reasons, OverrideReason: "Hastesak"}, "t"); err != nil {
		t.Fatal(err)
	}
	w.must(w.g.Fire(w.ctx, w.officer, a.ID, workflow.Recommend, "", "t"))
	wantKinds(t, "the decision maker", w.kindsOf(w.decider, a.ID), notify.RecommendationReady)
	wantKinds(t, "the conflicted decision maker", w.kindsOf(conflicted, a.ID))
	wantKinds(t, "the case officer who recommended", w.kindsOf(w.officer, a.ID), notify.ApplicationSubmitted)

	if _, err := w.g.Declare(w.ctx, w.decider, a.ID, false, "", "t"); err != nil {
		t.Fatal(err)
	}
	w.must(w.g.FireWith(w.ctx, w.decider, a.ID, workflow.Approve, grants.EventInput{AmountOre: &amount}, "t"))
	notes := w.notes(w.applicant)
	if last := notes[len(notes)-1]; last.Kind != notify.DecisionMade || last.Params.Outcome != string(workflow.Approved) {
		t.Errorf("the applicant's last notification is %s (%+v), want the decision with its outcome", last.Kind, last.Params)
	}

	w.must(w.g.Fire(w.ctx, w.applicant, a.ID, workflow.Accept, "", "t"))
	plan := w.payouts(a.ID)
	wantKinds(t, "the attestant", w.kindsOf(fin.attestant, a.ID), notify.PayoutToAttest)
	wantKinds(t, "the authoriser, before attestation", w.kindsOf(fin.authoriser, a.ID))

	w.firePayout(fin.attestant, plan[0].ID, workflow.Attest, grants.PayoutInput{})
	wantKinds(t, "the authoriser", w.kindsOf(fin.authoriser, a.ID), notify.PayoutToAuthorise)
	wantKinds(t, "the attestant, after attesting", w.kindsOf(fin.attestant, a.ID), notify.PayoutToAttest)
	w.firePayout(fin.authoriser, plan[0].ID, workflow.Authorise, booked("B-1"))
	wantKinds(t, "the applicant", w.kindsOf(w.applicant, a.ID), notify.DecisionMade, notify.PayoutPaid)

	rs, err := w.g.Reports(w.ctx, w.applicant, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	final := rs[len(rs)-1]
	if _, err := w.g.UpdateReport(w.ctx, w.applicant, final.ID, model.ReportContent{WorkDone: "Gjort", Results: "Bra"}, "t"); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		who model.User
		e   workflow.Event
	}{{w.applicant, workflow.SubmitReport}, {w.officer, workflow.ReturnReport}, {w.applicant, workflow.SubmitReport}, {w.officer, workflow.ApproveReport}} {
		comment := ""
		if step.e == workflow.ReturnReport {
			comment = "Legg ved regnskap"
		}
		if _, err := w.g.FireReport(w.ctx, step.who, final.ID, step.e, comment, "t"); err != nil {
			t.Fatalf("%s: %v", step.e, err)
		}
	}
	wantKinds(t, "the case officer", w.kindsOf(w.officer, a.ID), notify.ApplicationSubmitted, notify.ReportSubmitted, notify.ReportSubmitted)
	wantKinds(t, "the applicant", w.kindsOf(w.applicant, a.ID), notify.DecisionMade, notify.PayoutPaid, notify.ReportReturned)
	wantKinds(t, "the applicant's leader", w.kindsOf(w.leader, a.ID), notify.EvaluationDue)

	// Everyone here wants mail at once (the default): one mail job each.
	for _, u := range []model.User{w.applicant, w.decider, fin.authoriser, w.leader} {
		if got, want := w.mailJobs(u), len(w.notes(u)); got != want {
			t.Errorf("%s: %d mail jobs for %d notifications", u.Name, got, want)
		}
	}
	w.consistent()
}

// TestPreferencesDecideTheMail: a kind set to digest or off is still in
// the list, but queues no mail of its own.
func TestPreferencesDecideTheMail(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	officer2 := w.user("Oda Saksbehandler", "Stab", nil, workflow.CaseOfficer)
	if err := w.st.SetPreferences(w.ctx, w.officer.ID, map[notify.Kind]notify.Mode{notify.ApplicationSubmitted: notify.Digest}); err != nil {
		t.Fatal(err)
	}
	if err := w.st.SetPreferences(w.ctx, officer2.ID, map[notify.Kind]notify.Mode{notify.ApplicationSubmitted: notify.Off}); err != nil {
		t.Fatal(err)
	}
	a := w.inReview(money.FromKroner(10_000))
	for _, tc := range []struct {
		u    model.User
		mode notify.Mode
	}{{w.officer, notify.Digest}, {officer2, notify.Off}} {
		notes := w.notes(tc.u)
		if len(notes) != 1 || notes[0].ApplicationID != a.ID || notes[0].Mode != tc.mode {
			t.Errorf("%s: %+v, want one notification mailed %s", tc.u.Name, notes, tc.mode)
		}
		if n := w.mailJobs(tc.u); n != 0 {
			t.Errorf("%s: %d mail jobs, want none", tc.u.Name, n)
		}
	}
	prefs, err := w.st.Preferences(w.ctx, w.officer.ID)
	if err != nil || prefs[notify.ApplicationSubmitted] != notify.Digest || prefs[notify.ReportDue] != notify.Immediately || len(prefs) != len(notify.Kinds) {
		t.Errorf("preferences %v, %v", prefs, err)
	}
	recipients, err := w.st.DigestRecipients(w.ctx)
	if err != nil || !slices.Contains(recipients, w.officer.ID) || slices.Contains(recipients, officer2.ID) {
		t.Errorf("digest recipients %v, %v", recipients, err)
	}
}

// TestRolledBackEventNotifiesNobody: notices written in a transaction that
// rolls back leave no notification and no mail job, and a refused
// transition notifies nobody.
func TestRolledBackEventNotifiesNobody(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.inReview(money.FromKroner(10_000))
	before, jobsBefore := len(w.notes(w.officer)), w.mailJobs(w.officer)

	boom := errors.New("the event failed after its notices were written")
	err := w.st.NotifyThen(w.ctx, store.Change{Now: time.Now()}, func(pgx.Tx) error { return boom },
		notify.Notice{Kind: notify.ApplicationSubmitted, To: notify.ToCaseOfficers, ApplicationID: a.ID})
	if !errors.Is(err, boom) {
		t.Fatalf("NotifyThen: %v", err)
	}
	if _, err := w.g.Fire(w.ctx, w.applicant, a.ID, workflow.Submit, "", "t"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("submitting twice: %v", err)
	}
	if n, j := len(w.notes(w.officer)), w.mailJobs(w.officer); n != before || j != jobsBefore {
		t.Errorf("after a rollback and a refusal: %d notifications and %d mail jobs, want %d and %d", n, j, before, jobsBefore)
	}

	// The same notice committed is there, with its mail job.
	if err := w.st.NotifyThen(w.ctx, store.Change{Now: time.Now()}, func(pgx.Tx) error { return nil },
		notify.Notice{Kind: notify.ApplicationSubmitted, To: notify.ToCaseOfficers, ApplicationID: a.ID}); err != nil {
		t.Fatal(err)
	}
	if n, j := len(w.notes(w.officer)), w.mailJobs(w.officer); n != before+1 || j != jobsBefore+1 {
		t.Errorf("after a commit: %d notifications and %d mail jobs, want %d and %d", n, j, before+1, jobsBefore+1)
	}
}
