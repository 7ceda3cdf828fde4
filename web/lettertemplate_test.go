package web

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"nyttig/internal/letter"
)

// TestTemplateFormHoldsEveryText sends the default template through the
// form as a browser does (line breaks as CRLF) and expects it back whole.
func TestTemplateFormHoldsEveryText(t *testing.T) {
	if got, want := len(templateTexts), reflect.TypeFor[letter.Texts]().NumField(); got != want {
		t.Fatalf("the form has %d texts per language, letter.Texts %d", got, want)
	}
	def := letter.DefaultTemplate()
	form := url.Values{"appeal_address": {def.AppealAddress}}
	for _, l := range templateLanguages {
		texts := reflect.ValueOf(l.texts(&def)).Elem()
		for _, f := range templateTexts {
			form.Set(l.prefix+f.key, strings.ReplaceAll(texts.Field(f.index).String(), "\n", "\r\n"))
		}
	}
	if got := templateFromPost(form); got != def {
		t.Errorf("the default template did not come back from the form:\n got %+v\nwant %+v", got, def)
	}
	form.Set("en.watermark", "")
	if got := templateFromPost(form); got.EN.Watermark != "" || got.NB.Watermark != def.NB.Watermark {
		t.Errorf("en.watermark landed elsewhere: %q, %q", got.EN.Watermark, got.NB.Watermark)
	}
}
