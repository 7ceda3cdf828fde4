package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/money"
	"nyttig/workflow"
)

func TestLocalPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/applications/3", "/applications/3"},
		{"/inbox?state=draft&after=9", "/inbox?state=draft&after=9"},
		{"", ""},
		{"applications", ""},
		{"//evil.example", ""},
		{"/\\evil.example", ""},
		{"/ok\\..\\", ""},
		{"https://evil.example/x", ""},
		{"/a\r\nSet-Cookie: x=y", ""},
		{"javascript:alert(1)", ""},
	} {
		if got := localPath(tc.in); got != tc.want {
			t.Errorf("localPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFieldIDsAndSummaryOrder(t *testing.T) {
	if got := fieldID("budget_lines[12].amount_ore"); got != "f-budget_lines-12-amount_ore" {
		t.Errorf("fieldID = %q", got)
	}
	fields := map[string]i18n.Text{
		"end_date":                   i18n.T("a", "a"),
		"budget_lines[10].category":  i18n.T("b", "b"),
		"budget_lines[2].amount_ore": i18n.T("c", "c"),
		"budget_lines[2].category":   i18n.T("d", "d"),
		"title":                      i18n.T("e", "e"),
		"budget_lines":               i18n.T("f", "f"),
		"something_new":              i18n.T("g", "g"),
	}
	var got []string
	for _, it := range summarize(fields, i18n.EN, func(name string) string { return "#" + fieldID(name) }) {
		got = append(got, it.Text)
	}
	want := []string{"Project title: e", "Budget lines: f", "Budget line 3, Category: d", "Budget line 3, Amount (NOK): c",
		"Budget line 11, Category: b", "End date: a", "something_new: g"}
	if !slices.Equal(got, want) {
		t.Errorf("summary\n got %q\nwant %q", got, want)
	}
}

func TestCommentRequiredFollowsTheWorkflow(t *testing.T) {
	for e, want := range map[workflow.Event]bool{workflow.Return: true, workflow.Appeal: true, workflow.Submit: false,
		workflow.Withdraw: false, workflow.StartReview: false} {
		if got := commentRequired(e); got != want {
			t.Errorf("commentRequired(%s) = %v, want %v", e, got, want)
		}
	}
}

func TestErrorPagesHideInternals(t *testing.T) {
	s := &site{pages: mustParsePages()}
	for _, tc := range []struct {
		name   string
		err    error
		status int
		want   string
	}{
		{"a bug", errors.New("pq: relation \"secret_table\" does not exist"), 500, "Noe gikk galt hos oss."},
		{"a wrapped bug", apperr.Wrap(apperr.Internal, i18n.T("Databasefeil.", "Database error."), errors.New("SELECT secret_table")), 500, "Databasefeil."},
		{"database down", apperr.Wrap(apperr.Unavailable, i18n.T("Databasen svarer ikke.", "Down."), errors.New("dial tcp secret_table")), 503, "Databasen svarer ikke."},
		{"not found", apperr.New(apperr.NotFound, i18n.T("Fant ikke søknaden.", "Application not found.")), 404, "Fant ikke søknaden."},
		{"forbidden", apperr.New(apperr.Forbidden, msg("error.staff_only")), 403, "Innboksen er bare for"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			s.fail(w, httptest.NewRequest(http.MethodGet, "/x", nil), tc.err)
			body := w.Body.String()
			if w.Code != tc.status || !strings.Contains(body, tc.want) || strings.Contains(body, "secret_table") {
				t.Fatalf("status %d, body:\n%s", w.Code, body)
			}
			if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") || !strings.Contains(body, `<html lang="nb">`) {
				t.Fatalf("not an HTML page: %q", w.Header().Get("Content-Type"))
			}
			if (tc.status == 503) != (w.Header().Get("Retry-After") != "") {
				t.Errorf("Retry-After %q for %d", w.Header().Get("Retry-After"), tc.status)
			}
		})
	}
}

func TestPanicsBecomeTheErrorPage(t *testing.T) {
	s := &site{pages: mustParsePages()}
	h := s.recoverPages(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret_table") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil))
	if w.Code != 500 || strings.Contains(w.Body.String(), "secret_table") || !strings.Contains(w.Body.String(), "Noe gikk galt") {
		t.Fatalf("%d\n%s", w.Code, w.Body.String())
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    money.Ore
		problem string
	}{
		{"", 0, ""},
		{"  ", 0, ""},
		{"125 000", 125_000_00, ""},
		{"kr 1\u00a0250\u00a0000,50", 1_250_000_50, ""},
		{"1.250.000", 1_250_000_00, ""},
		{"12.500", 12_500_00, ""},
		{"1250.50", 0, "error.decimal_point"},
		{"99.5", 0, "error.decimal_point"},
		{"tolv", 0, "error.bad_amount"},
		{"-5", 0, "error.bad_amount"},
	} {
		got, problem := parseAmount(tc.in)
		if got != tc.want || problem != tc.problem {
			t.Errorf("parseAmount(%q) = %d, %q; want %d, %q", tc.in, got, problem, tc.want, tc.problem)
		}
	}
}

func TestFileSizeAndType(t *testing.T) {
	for _, tc := range []struct {
		n      int64
		nb, en string
	}{
		{0, "0 byte", "0 bytes"},
		{830, "830 byte", "830 bytes"},
		{1536, "1,5\u00a0kB", "1.5\u00a0kB"},
		{12 << 10, "12\u00a0kB", "12\u00a0kB"},
		{5<<20 + 512<<10, "5,5\u00a0MB", "5.5\u00a0MB"},
		{25 << 20, "25\u00a0MB", "25\u00a0MB"},
		{3 << 30, "3,0\u00a0GB", "3.0\u00a0GB"},
	} {
		if got := fileSize(tc.n, i18n.NB); got != tc.nb {
			t.Errorf("fileSize(%d, nb) = %q, want %q", tc.n, got, tc.nb)
		}
		if got := fileSize(tc.n, i18n.EN); got != tc.en {
			t.Errorf("fileSize(%d, en) = %q, want %q", tc.n, got, tc.en)
		}
	}
	for in, want := range map[string]string{
		"application/pdf":         "PDF-dokument",
		"text/csv; charset=utf-8": "CSV-tabell",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel-regneark",
		"application/x-unknown": "application/x-unknown",
	} {
		if got := fileType(in, i18n.NB); got != want {
			t.Errorf("fileType(%q) = %q, want %q", in, got, want)
		}
	}
	if got := decimal(3.75, i18n.NB) + " " + decimal(3.75, i18n.EN); got != "3,75 3.75" {
		t.Errorf("decimal: %q", got)
	}
}
