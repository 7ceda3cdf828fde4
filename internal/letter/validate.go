package letter

import (
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
)

// MaxTextLen is the most runes one template text may hold.
const MaxTextLen = 4000

// Validate checks that every text is present in both languages, no longer
// than MaxTextLen, and uses only well-formed, known placeholders; the page
// footer must use both {{.Page}} and {{.Pages}}. The error is an
// apperr.Invalid whose Fields are keyed by JSON path ("nb.appeal",
// "appeal_address") and whose Error() lists every problem.
func (t *Template) Validate() error {
	v := validation{fields: map[string]i18n.Text{}}
	addressNames := slices.DeleteFunc(slices.Clone(letterPlaceholders), func(n string) bool { return n == phAppealAddress })
	v.text("appeal_address", t.AppealAddress, addressNames, nil)
	for _, lang := range []struct {
		prefix string
		texts  *Texts
	}{{"nb.", &t.NB}, {"en.", &t.EN}} {
		for _, f := range lang.texts.fields() {
			allowed, required := letterPlaceholders, []string(nil)
			if f.paged {
				allowed = append(slices.Clone(letterPlaceholders), phPage, phPages)
				required = []string{phPage, phPages}
			}
			v.text(lang.prefix+f.key, f.value, allowed, required)
		}
	}
	if len(v.problems) == 0 {
		return nil
	}
	e := apperr.Fields(v.fields)
	e.Message = i18n.T("Brevmalen har feil.", "The letter template has errors.")
	e.Cause = errors.New("letter template: " + strings.Join(v.problems, "; "))
	return e
}

// validation collects problems: per field for a person, as a list for logs.
type validation struct {
	fields   map[string]i18n.Text
	problems []string
}

func (v *validation) add(key string, msg i18n.Text) {
	if _, seen := v.fields[key]; seen {
		return
	}
	v.fields[key] = msg
	v.problems = append(v.problems, key+": "+msg.EN)
}

// text checks one text against the placeholder names it may and must use.
func (v *validation) text(key, s string, allowed, required []string) {
	if strings.TrimSpace(s) == "" {
		v.add(key, i18n.T("Teksten mangler.", "The text is missing."))
		return
	}
	if n := utf8.RuneCountInString(s); n > MaxTextLen {
		v.add(key, i18n.Tf("Teksten er for lang: %d tegn, høyst %d.", "The text is too long: %d characters, at most %d.", n, MaxTextLen))
		return
	}
	names, bad := placeholders(s)
	if bad != "" {
		v.add(key, i18n.Tf("Ugyldig plassholder ved %q; skriv for eksempel {{.Fund}}.", "Invalid placeholder at %q; write for example {{.Fund}}.", bad))
		return
	}
	for _, n := range names {
		if !slices.Contains(allowed, n) {
			list := "{{." + strings.Join(allowed, "}}, {{.") + "}}"
			v.add(key, i18n.Tf("Ukjent plassholder {{.%s}}. Tillatt her: %s.", "Unknown placeholder {{.%s}}. Allowed here: %s.", n, list))
			return
		}
	}
	for _, n := range required {
		if !slices.Contains(names, n) {
			v.add(key, i18n.Tf("Teksten må bruke {{.%s}}.", "The text must use {{.%s}}.", n))
			return
		}
	}
}
