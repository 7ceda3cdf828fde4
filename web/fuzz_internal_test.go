package web

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

// fieldErrorName is the shape of every field name a form error may be
// keyed by: a JSON field, a budget row's column, or one of the three
// parts of the reasons.
var fieldErrorName = regexp.MustCompile(`^([a-z_]+|budget_lines\[\d+\]\.[a-z_]+|reasons\.[a-z]+|[a-z]+\.[a-z_]+)$`)

// FuzzFormParsers posts any form to every function that turns posted
// values into model types: the application form, the recommendation and
// decision, the review, the payout plan, the letter template and the
// return address of a form. None panics; what is wrong comes back as field
// errors keyed by field names and worded in both languages; an amount is
// either read or refused, never guessed; a return address is this site's.
func FuzzFormParsers(f *testing.F) {
	for _, s := range []string{
		"call_id=1&title=Digitalt+tilsyn&summary=%3Cscript%3Ealert(1)%3C%2Fscript%3E&own_contribution_ore=20+000&requested_amount_ore=80000%2C50" +
			"&budget_category=Innleie&budget_description=x&budget_amount_ore=1.250.000&budget_category=&budget_amount_ore=12.50" +
			"&partners=Nabo%0D%0AAndre&start_date=2026-08-01&end_date=2027-02-30&version=3",
		"outcome=approve&amount_ore=kr+1+250+000&reasons.rules=r&reasons.facts=f&reasons.considerations=c&override_reason=x",
		"outcome=approve&amount_ore=-5&comment=%00",
		"recommendation=approve&comment=x&score-1=5&comment-1=bra&score-2=99&comment-2=&score-3=abc",
		"plan_amount=75000&plan_condition=ved+aksept&plan_due_date=2026-12-01&plan_amount=&plan_condition=&plan_due_date=&plan_amount=1",
		"appeal_address=Postboks+583&nb.intro=Vi+viser+til+%7B%7B.ApplicationTitle%7D%7D%0D%0A&en.intro=%7B%7B.Nope%7D%7D",
		"next=%2F%2Fevil.example.com&back=%2Fnotifications%3Fdone%3Dx%23frag",
		"next=%2F%5Cevil.example.com&back=https%3A%2F%2Fevil.example.com%2Fnotifications",
		"next=%2Fapplications%2F1%3Fa%3Db&back=%2F%09%2Fevil.example.com",
		"next=/%0d%0aSet-Cookie:x=y&back=/notifications?done=all_read",
		"requested_amount_ore=999999999999999999999&own_contribution_ore=1e6&budget_amount_ore=%E2%88%92500",
		"budget_category=" + strings.Repeat("x", 300) + "&budget_category=a&budget_category=b&budget_amount_ore=1",
		"%=%&&=&;;", "",
	} {
		f.Add(s)
	}
	rubric := []model.Criterion{{ID: 1, Weight: 3}, {ID: 2, Weight: 1}, {ID: 3, Weight: 2}}
	f.Fuzz(func(t *testing.T, raw string) {
		form, _ := url.ParseQuery(raw)

		app := formFromPost(form)
		fields, bad := app.fields()
		checkFieldErrors(t, raw, bad)
		for name := range bad {
			if name != "own_contribution_ore" && name != "requested_amount_ore" && !strings.HasPrefix(name, "budget_lines[") {
				t.Fatalf("%q: an amount error on %q", raw, name)
			}
		}
		if len(fields.BudgetLines) != len(app.Budget) {
			t.Fatalf("%q: %d budget rows became %d lines", raw, len(app.Budget), len(fields.BudgetLines))
		}
		checkFieldErrors(t, raw, fields.Check())

		in := outcomeFromPost(form)
		amount, errs := in.amount()
		checkFieldErrors(t, raw, errs)
		if amount < 0 || (len(errs) > 0 && amount != 0) {
			t.Fatalf("%q: the outcome's amount is %d with errors %v", raw, amount, errs)
		}
		for _, typed := range form["amount_ore"] {
			o, problem := parseAmount(typed)
			switch {
			case problem == "" && o < 0:
				t.Fatalf("parseAmount(%q) = %d", typed, o)
			case problem != "" && (o != 0 || (problem != "error.bad_amount" && problem != "error.decimal_point")):
				t.Fatalf("parseAmount(%q) = %d, %q", typed, o, problem)
			case problem != "" && msg(problem).NB == msg(problem).EN:
				t.Fatalf("parseAmount(%q): the problem %q is not in the catalog", typed, problem)
			}
		}

		rev, order := inputFromPost(form, rubric).review(rubric)
		if len(rev.Scores) != len(order) || len(rev.Scores) > len(rubric) {
			t.Fatalf("%q: %d scores in the order %v", raw, len(rev.Scores), order)
		}

		for _, row := range planFromPost(form) {
			if strings.TrimSpace(row[0]+row[1]+row[2]) == "" {
				t.Fatalf("%q: a blank plan row was kept", raw)
			}
		}

		tmpl := templateFromPost(form)
		if err := tmpl.Validate(); err != nil {
			e := apperr.As(err)
			if e == nil || e.Kind != apperr.Invalid {
				t.Fatalf("%q: the template is refused with %v", raw, err)
			}
			checkFieldErrors(t, raw, e.Fields)
		}
		if strings.Contains(tmpl.NB.Intro+tmpl.EN.Intro+tmpl.AppealAddress, "\r\n") {
			t.Fatalf("%q: a template text keeps CRLF", raw)
		}

		for _, next := range append(form["next"], form["back"]...) {
			checkLocal(t, next, localPath(next))
			back := listBack(next, "all_read")
			checkLocal(t, next, back)
			if !strings.HasPrefix(back, notificationsPath) {
				t.Fatalf("listBack(%q) = %q, not the notifications", next, back)
			}
		}
	})
}

func checkFieldErrors[M ~map[string]i18n.Text](t *testing.T, raw string, errs M) {
	t.Helper()
	for name, text := range errs {
		if !fieldErrorName.MatchString(name) {
			t.Fatalf("%q: a field error keyed %q", raw, name)
		}
		if text.NB == "" || text.EN == "" {
			t.Fatalf("%q: the error on %q is not worded in both languages: %+v", raw, name, text)
		}
	}
}

// checkLocal fails unless p is empty or a path that a browser resolves to
// this site, whatever it strips or reads as a slash.
func checkLocal(t *testing.T, from, p string) {
	t.Helper()
	if p == "" {
		return
	}
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\t\r\n\x00") {
		t.Fatalf("%q became the return address %q", from, p)
	}
	base, _ := url.Parse("https://nyttig.example.no/inbox")
	ref, err := url.Parse(p)
	if err != nil {
		t.Fatalf("%q became the return address %q, which does not parse: %v", from, p, err)
	}
	if got := base.ResolveReference(ref); got.Host != base.Host || got.Scheme != base.Scheme {
		t.Fatalf("%q became the return address %q, which leads to %s", from, p, got)
	}
}
