package jobs_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/riverqueue/river"

	"nyttig/internal/i18n"
	"nyttig/internal/jobs"
	"nyttig/internal/model"
	"nyttig/internal/notify"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// TestMailOncePerNotificationWithTwoServers runs two job runners, as two
// `nyttig serve` would, against one database and a real SMTP server, and
// checks that every notification is mailed exactly once, in its
// recipient's language, with a link back and its title escaped.
func TestMailOncePerNotificationWithTwoServers(t *testing.T) {
	f := newFund(t)
	mail := testenv.Mail(t)
	sender := notify.Sender{Addr: mail.SMTPAddr, From: "nyttig@localhost"}
	a, b := f.start("server-a", sender), f.start("server-b", sender)
	w := watch(t, a, b)

	officers := []model.User{f.officer}
	for i := range 8 {
		lang := i18n.NB
		if i%2 == 1 {
			lang = i18n.EN
		}
		officers = append(officers, f.user(fmt.Sprintf("Saksbehandler %d", i), lang, workflow.CaseOfficer))
	}
	var apps []model.Application
	for i := range 4 {
		apps = append(apps, f.submitted(fmt.Sprintf("Velferdsteknologi <script>alert(%d)</script> & co", i)))
	}
	ids := f.mailJobs(officers...)
	if len(ids) != len(officers)*len(apps) {
		t.Fatalf("%d mail jobs queued, want %d", len(ids), len(officers)*len(apps))
	}
	w.await(t, river.EventKindJobCompleted, ids...)

	for _, o := range officers {
		got := mail.To(t, o.Email)
		if len(got) != len(apps) {
			t.Fatalf("%s got %d mails, want %d (one per notification)", o.Email, len(got), len(apps))
		}
		notes, err := f.st.Notifications(f.ctx, o.ID, false, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var wantIDs, gotIDs []string
		for _, n := range notes {
			if n.Kind == notify.ApplicationSubmitted && n.ApplicationID >= apps[0].ID {
				wantIDs = append(wantIDs, fmt.Sprintf("notification-%d@nyttig", n.ID))
			}
		}
		for _, m := range got {
			gotIDs = append(gotIDs, m.MessageID)
		}
		slices.Sort(wantIDs)
		slices.Sort(gotIDs)
		if !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("%s: Message-IDs %v, want %v", o.Email, gotIDs, wantIDs)
		}
		// The mails arrive in whatever order the two runners sent them:
		// the one about the first application is picked by its subject.
		app := apps[0]
		i := slices.IndexFunc(got, func(m testenv.Message) bool { return strings.Contains(m.Subject, " "+app.CaseNumber+":") })
		if i < 0 {
			t.Fatalf("%s: no mail about %s among %d", o.Email, app.CaseNumber, len(got))
		}
		m := got[i]
		link := fmt.Sprintf("http://nyttig.test/applications/%d", app.ID)
		want := struct{ subject, greeting, open string }{"Nyttig: Ny søknad " + app.CaseNumber, "Hei, " + o.Name + ".", "Åpne i Nyttig"}
		if o.Language == i18n.EN {
			want = struct{ subject, greeting, open string }{"Nyttig: New application " + app.CaseNumber, "Hello " + o.Name + ",", "Open in Nyttig"}
		}
		if !strings.HasPrefix(m.Subject, want.subject) {
			t.Errorf("%s: subject %q, want it to start %q", o.Email, m.Subject, want.subject)
		}
		if !strings.Contains(m.Text, want.greeting) || !strings.Contains(m.Text, want.open+": "+link) {
			t.Errorf("%s: text part %q lacks %q or the link %s", o.Email, m.Text, want.greeting, link)
		}
		if !strings.Contains(m.HTML, `<a href="`+link+`">`+want.open+`</a>`) || !strings.Contains(m.HTML, `lang="`+string(o.Language)+`"`) {
			t.Errorf("%s: HTML part lacks the link or the language: %s", o.Email, m.HTML)
		}
		if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
			t.Errorf("%s: the title's markup is not escaped in the HTML part: %s", o.Email, m.HTML)
		}
	}
	var unmailed int
	if err := f.st.Pool().QueryRow(f.ctx, `SELECT count(*) FROM notifications WHERE mail = 'immediately' AND mailed_at IS NULL
		AND application_id = ANY($1)`, []int64{apps[0].ID, apps[1].ID, apps[2].ID, apps[3].ID}).Scan(&unmailed); err != nil || unmailed != 0 {
		t.Errorf("%d notifications not marked mailed (%v)", unmailed, err)
	}
}

// TestDigestGroupsByKind: a user who chose the daily digest gets one mail
// with every waiting notification grouped under its kind, and a second
// run sends nothing more.
func TestDigestGroupsByKind(t *testing.T) {
	f := newFund(t)
	mail := testenv.Mail(t)
	digester := f.user("Dina Digest", i18n.NB, workflow.CaseOfficer, workflow.DecisionMaker)
	if err := f.st.SetPreferences(f.ctx, digester.ID, map[notify.Kind]notify.Mode{
		notify.ApplicationSubmitted: notify.Digest, notify.RecommendationReady: notify.Digest}); err != nil {
		t.Fatal(err)
	}
	first, second := f.submitted("Digital hjemmeoppfølging"), f.submitted("Smart renovasjon")
	if _, err := f.g.Fire(f.ctx, f.officer, second.ID, workflow.StartReview, "", "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.g.SaveRecommendation(f.ctx, f.officer, second.ID, model.Recommendation{Outcome: model.OutcomeReject,
		Reasons:        model.Reasons{Rules: "Retningslinjene § 3", Facts: "Søknaden gjelder drift", Considerations: "Ikke nytt"},
		OverrideReason: "Hastesak"}, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.g.Fire(f.ctx, f.officer, second.ID, workflow.Recommend, "", "t"); err != nil {
		t.Fatal(err)
	}
	if ids := f.mailJobs(digester); len(ids) != 0 {
		t.Fatalf("%d mail jobs for a digest reader", len(ids))
	}

	r := f.start("digest", notify.Sender{Addr: mail.SMTPAddr, From: "nyttig@localhost"})
	w := watch(t, r)
	for round := range 2 {
		task, err := r.Insert(f.ctx, jobs.TaskArgs{Task: jobs.TaskSendDigests})
		if err != nil {
			t.Fatal(err)
		}
		w.await(t, river.EventKindJobCompleted, task)
		if round == 0 {
			var digest int64
			if err := f.st.Pool().QueryRow(f.ctx, `SELECT id FROM river_job WHERE kind = 'deliver_digest'
				AND (args->>'user_id')::bigint = $1`, digester.ID).Scan(&digest); err != nil {
				t.Fatalf("no digest job for the user: %v", err)
			}
			w.await(t, river.EventKindJobCompleted, digest)
		}
	}
	got := mail.To(t, digester.Email)
	if len(got) != 1 {
		t.Fatalf("%d digests, want 1", len(got))
	}
	m := got[0]
	if m.Subject != "Nyttig: 3 nye varsler" {
		t.Errorf("subject %q", m.Subject)
	}
	submittedAt := strings.Index(m.Text, "== Nye søknader ==")
	readyAt := strings.Index(m.Text, "== Saker klare for vedtak ==")
	if submittedAt < 0 || readyAt < submittedAt || strings.Count(m.Text, "== Nye søknader ==") != 1 {
		t.Fatalf("the digest is not grouped by kind:\n%s", m.Text)
	}
	for _, line := range []struct {
		text  string
		after int
	}{{"Ny søknad " + first.CaseNumber, submittedAt}, {"Ny søknad " + second.CaseNumber, submittedAt}, {"Innstilling klar i " + second.CaseNumber, readyAt}} {
		if i := strings.Index(m.Text, line.text); i < line.after {
			t.Errorf("%q is missing or outside its group:\n%s", line.text, m.Text)
		}
	}
	if strings.Index(m.Text, "Ny søknad "+second.CaseNumber) > readyAt {
		t.Errorf("a new application is listed under the wrong group:\n%s", m.Text)
	}
	if left, err := f.st.DigestRecipients(f.ctx); err != nil || slices.Contains(left, digester.ID) {
		t.Errorf("after the digest the user still waits for one: %v %v", left, err)
	}
}

// TestFailedMailIsRetriedAndShown: with the SMTP server unreachable the
// mail job fails, is scheduled again, and admins see it with its error.
func TestFailedMailIsRetriedAndShown(t *testing.T) {
	f := newFund(t)
	r := f.start("broken-smtp", notify.Sender{Addr: "127.0.0.1:1", From: "nyttig@localhost"})
	w := watch(t, r)
	officer := f.user("Siri Saksbehandler", i18n.NB, workflow.CaseOfficer)
	f.submitted("Ladeplasser")
	ids := f.mailJobs(officer)
	if len(ids) != 1 {
		t.Fatalf("%d mail jobs", len(ids))
	}
	w.await(t, river.EventKindJobFailed, ids[0])
	failed, err := f.st.FailedJobs(f.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(failed, func(j store.JobTrouble) bool { return j.ID == ids[0] })
	if i < 0 {
		t.Fatalf("the failed job is not listed: %+v", failed)
	}
	j := failed[i]
	if j.State == "discarded" || j.Attempt < 1 || j.Kind != "deliver_mail" || !strings.Contains(j.LastError, "send mail") || !j.NextAttempt.After(j.FailedAt) {
		t.Errorf("listed as %+v", j)
	}
}
