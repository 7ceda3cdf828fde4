package letter

import (
	"testing"
	"time"

	"nyttig/internal/i18n"
	"nyttig/internal/money"
)

func TestExpand(t *testing.T) {
	vals := map[string]string{"Fund": "Innovasjonsfondet", "CaseNumber": "{{.Fund}}"}
	for _, tc := range []struct{ in, want string }{
		{"Fra {{.Fund}}.", "Fra Innovasjonsfondet."},
		{"{{ .Fund }}{{.Fund}}", "InnovasjonsfondetInnovasjonsfondet"},
		{"Sak {{.CaseNumber}}", "Sak {{.Fund}}"}, // one pass: a value is never expanded again
		{"{{.Missing}}", ""},
		{"{a} }} {{ ikke", "{a} }} {{ ikke"},
		{"ingen", "ingen"},
	} {
		if got := expand(tc.in, vals); got != tc.want {
			t.Errorf("expand(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		in    string
		names []string
		bad   string
	}{
		{"{{.Fund}} og {{ .Page }}", []string{"Fund", "Page"}, ""},
		{"{{.A1}}", []string{"A1"}, ""},
		{"{{.1A}}", nil, "{{.1A}}"},
		{"{{.}}", nil, "{{.}}"},
		{"{{.Fund | printf}}", nil, "{{.Fund | printf}}"},
		{"{{.Fund", nil, "{{.Fund"},
	} {
		names, bad := placeholders(tc.in)
		if bad != tc.bad || len(names) != len(tc.names) {
			t.Errorf("placeholders(%q) = %v, %q; want %v, %q", tc.in, names, bad, tc.names, tc.bad)
		}
	}
}

func TestClean(t *testing.T) {
	f := renderer(t).fonts
	for _, tc := range []struct {
		in         string
		multi      bool
		want       string
		wantInline string
	}{
		{in: "Áilu Čađđa Ŋŧ, Bærum og Hå", want: "Áilu Čađđa Ŋŧ, Bærum og Hå"},
		{in: "a\x00b\x07c\x1b[31md\x7f", want: "abc[31md"},
		{in: "linje 1\r\nlinje 2\rlinje 3\u2028", multi: true, want: "linje 1\nlinje 2\nlinje 3\n"},
		{in: "linje 1\nlinje 2", want: "linje 1 linje 2"},
		{in: "tab\there", want: "tab here"},
		{in: "12\u202f500 og 3\u2007000", want: "12\u00a0500 og 3\u00a0000"},
		{in: "C\u030c og Ž", want: "Č og Ž"},
		{in: "Skolt: ǥ ǩ ǯ", want: "Skolt: ? ? ?"}, // Go Regular lacks these
		{in: "\u202eomvendt\u200b\ufeff", want: "omvendt"},
		{in: "🙂 中 \ue0e0 \xff", want: "? ? ? \ufffd"},
		{in: "Ωμέγα Жюри", want: "Ωμέγα Жюри"},
		{in: "<b>&amp;</b>", want: "<b>&amp;</b>"},
	} {
		if got := f.clean(tc.in, tc.multi); got != tc.want {
			t.Errorf("clean(%q, %v) = %q, want %q", tc.in, tc.multi, got, tc.want)
		}
	}
}

func TestFontCoversNorwegianAndSami(t *testing.T) {
	f := renderer(t).fonts
	for _, r := range "æøåÆØÅčđŋŧšžáČĐŊŦŠŽÁïäöâõ«»–—“”’…•§€\u00a0\ufffd" {
		if !f.covers(r) {
			t.Errorf("the font lacks %q (%U)", r, r)
		}
	}
}

func TestFormat(t *testing.T) {
	// 23:30 UTC on 23 November is already 24 November in Oslo.
	if got := formatDate(time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)); got != "24.11.2026" {
		t.Errorf("date %q", got)
	}
	for _, tc := range []struct {
		lang i18n.Lang
		ore  money.Ore
		want string
	}{
		{i18n.NB, money.FromKroner(1_250_000), "kr\u00a01\u00a0250\u00a0000"},
		{i18n.EN, money.FromKroner(1_250_000), "NOK\u00a01\u00a0250\u00a0000"},
		{i18n.NB, 1250, "kr\u00a012,50"},
	} {
		if got := formatAmount(tc.ore, tc.lang); got != tc.want {
			t.Errorf("formatAmount(%d, %s) = %q, want %q", tc.ore, tc.lang, got, tc.want)
		}
	}
}
