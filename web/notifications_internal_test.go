package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// TestHeaderSurvivesAFailingCount renders a page while the database
// refuses the unread count: the page is served, with the link to the
// notifications and no number.
func TestHeaderSurvivesAFailingCount(t *testing.T) {
	st, err := store.Open(context.Background(), testenv.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	st.Close() // every query now fails
	s := &site{Deps: Deps{Store: st}, pages: mustParsePages()}
	u := model.User{ID: 1, Name: "Ola Saksbehandler", Language: i18n.NB, Roles: []workflow.Role{workflow.CaseOfficer}}
	r := httptest.NewRequest(http.MethodGet, "/notifications", nil)
	r = r.WithContext(httpx.WithUser(r.Context(), u))
	w := httptest.NewRecorder()
	if err := s.render(w, r, page{Template: "error", Title: "Test", Data: errorPage{Status: 200, Message: "Innhold"}}); err != nil {
		t.Fatalf("render with a failing count: %v", err)
	}
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "Innhold") {
		t.Fatalf("status %d:\n%s", w.Code, body)
	}
	if !strings.Contains(body, `<a href="/notifications">Varsler</a>`) {
		t.Errorf("the header lacks the plain link to the notifications:\n%s", body)
	}
}

func TestSideEventsHaveLabels(t *testing.T) {
	for name, want := range map[string]string{
		store.EventProvisionalReply:   "Foreløpig svar sendt (fvl. § 11a)",
		store.EventDecisionFinal:      "Vedtaket er endelig (klagefristen er ute)",
		model.EventEvaluation:         "Sluttevaluering registrert",
		model.EventPayoutPlanAdjusted: "Utbetalingsplanen er endret",
		model.EventRecipientChanged:   "Mottakeren er endret",
	} {
		if got := eventName(name, i18n.NB); got != want {
			t.Errorf("%s is labelled %q, want %q", name, got, want)
		}
		if got := eventName(name, i18n.EN); got == name || got == "" {
			t.Errorf("%s has no English label", name)
		}
	}
}

func TestListBack(t *testing.T) {
	for _, tc := range []struct{ back, done, want string }{
		{"/notifications?unread=1", "", "/notifications?unread=1"},
		{"/notifications?before=12&unread=1", "all_read", "/notifications?before=12&done=all_read&unread=1"},
		{"/notifications?done=all_read", "", "/notifications"},
		{"/applications/3", "", "/notifications"},
		{"https://example.com/notifications", "", "/notifications"},
		{"//example.com/notifications", "", "/notifications"},
		{"", "all_read", "/notifications?done=all_read"},
	} {
		if got := listBack(tc.back, tc.done); got != tc.want {
			t.Errorf("listBack(%q, %q) = %q, want %q", tc.back, tc.done, got, tc.want)
		}
	}
}
