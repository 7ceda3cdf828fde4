package letter

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"nyttig/internal/apperr"
)

func TestDefaultTemplateIsValid(t *testing.T) {
	tmpl := DefaultTemplate()
	if err := tmpl.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []*Texts{&tmpl.NB, &tmpl.EN} {
		for _, ref := range []string{"18", "24", "25", "28", "29", "32"} {
			if !strings.Contains(lang.Appeal+lang.AppealHow+lang.Access+lang.ReasonsIntro, ref) {
				t.Errorf("%s: no reference to section %s", lang.Title, ref)
			}
		}
	}
}

// The legal references live in the template, not in code: a template with
// the new act's numbering renders that numbering.
func TestLegalReferencesComeFromTheTemplate(t *testing.T) {
	tmpl := DefaultTemplate()
	tmpl.NB.Appeal = "Du kan klage etter forvaltningsloven (LOV-2025-06-20-81) § 77. Fristen er tre uker fra du mottok brevet."
	var buf strings.Builder
	if err := renderer(t).Render(&buf, grantData("nb"), tmpl); err != nil {
		t.Fatal(err)
	}
	got := flat(text(t, []byte(buf.String())))
	if !strings.Contains(got, "(LOV-2025-06-20-81) § 77") || strings.Contains(got, "forvaltningsloven § 28") {
		t.Errorf("the edited reference is not what the letter says:\n%s", got)
	}
}

// fields() must list every text of Texts, in the order and under the JSON
// names of the struct, or Validate would miss one.
func TestFieldsCoverTexts(t *testing.T) {
	typ := reflect.TypeFor[Texts]()
	var tags []string
	for f := range typ.Fields() {
		tags = append(tags, f.Tag.Get("json"))
	}
	var keys []string
	for _, f := range (&Texts{}).fields() {
		keys = append(keys, f.key)
	}
	if !slices.Equal(tags, keys) {
		t.Errorf("fields() keys\n%v\ndiffer from the struct's JSON names\n%v", keys, tags)
	}
	// Each field reads its own text.
	var x Texts
	v := reflect.ValueOf(&x).Elem()
	for i := range v.NumField() {
		v.Field(i).SetString(tags[i])
	}
	for _, f := range x.fields() {
		if f.value != f.key {
			t.Errorf("field %s reads %q", f.key, f.value)
		}
	}
}

func TestTemplateJSONRoundTrip(t *testing.T) {
	in := DefaultTemplate()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"appeal_address"`, `"nb"`, `"en"`, `"page_of"`, `"heading_considerations"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON has no %s", key)
		}
	}
	var out Template
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Error("template changed on the way through JSON")
	}
}

func TestTemplateValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Template)
		fields []string // keys of the errors, in any order
		says   string   // part of the English message
	}{
		{"missing text", func(x *Template) { x.NB.Appeal = "  " }, []string{"nb.appeal"}, "missing"},
		{"missing in English only", func(x *Template) { x.EN.Watermark = "" }, []string{"en.watermark"}, "missing"},
		{"missing appeal address", func(x *Template) { x.AppealAddress = "" }, []string{"appeal_address"}, "missing"},
		{"unknown placeholder", func(x *Template) { x.NB.Title = "Vedtak fra {{.Fond}}" }, []string{"nb.title"}, "Unknown placeholder {{.Fond}}"},
		{"malformed placeholder", func(x *Template) { x.EN.Intro = "Dear {{ Addressee }}," }, []string{"en.intro"}, "Invalid placeholder"},
		{"unclosed placeholder", func(x *Template) { x.EN.Intro = "Dear {{.Addressee" }, []string{"en.intro"}, "Invalid placeholder"},
		{"template action", func(x *Template) { x.NB.Clawback = `{{range .Payouts}}x{{end}}` }, []string{"nb.clawback"}, "Invalid placeholder"},
		{"page number outside the footer", func(x *Template) { x.NB.Closing = "Side {{.Page}}" }, []string{"nb.closing"}, "Unknown placeholder {{.Page}}"},
		{"footer without the count", func(x *Template) { x.EN.PageOf = "Page {{.Page}}" }, []string{"en.page_of"}, "must use {{.Pages}}"},
		{"address refers to itself", func(x *Template) { x.AppealAddress = "{{.AppealAddress}}" }, []string{"appeal_address"}, "Unknown placeholder"},
		{"too long", func(x *Template) { x.NB.Conditions = strings.Repeat("å", MaxTextLen+1) }, []string{"nb.conditions"}, "too long"},
		{"several at once", func(x *Template) { x.NB.Title, x.EN.Title, x.EN.Access = "", "{{.X}}", "{{" }, []string{"nb.title", "en.title", "en.access"}, ""},
		{"spaces inside braces are fine", func(x *Template) { x.NB.Title = "Vedtak fra {{ .Fund }}" }, nil, ""},
		{"the appeal address may use placeholders", func(x *Template) { x.AppealAddress = "{{.Municipality}}, postmottak" }, nil, ""},
		{"single braces are text", func(x *Template) { x.NB.Intro = "Mengden {a, b} og }} alene" }, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl := DefaultTemplate()
			tc.change(&tmpl)
			err := tmpl.Validate()
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !apperr.Is(err, apperr.Invalid) {
				t.Errorf("kind %s, want invalid", apperr.KindOf(err))
			}
			fields := apperr.As(err).Fields
			var keys []string
			for k, msg := range fields {
				keys = append(keys, k)
				if msg.NB == "" || msg.EN == "" {
					t.Errorf("%s: message missing a language: %+v", k, msg)
				}
			}
			slices.Sort(keys)
			want := slices.Sorted(slices.Values(tc.fields))
			if !slices.Equal(keys, want) {
				t.Errorf("fields %v, want %v", keys, want)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
}
