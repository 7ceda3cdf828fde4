package web

import (
	"net/url"
	"strings"

	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

// reasonField is one of the three parts of a decision's reasons
// (forvaltningsloven § 25) as typed, with its error.
type reasonField struct{ ID, Name, Label, Hint, Value, Err string }

// reasonNames are the form and field-error names of the three parts.
var reasonNames = []string{"reasons.rules", "reasons.facts", "reasons.considerations"}

// reasonFields lays out the three parts for the form named form: input
// ids f-<form>-rules, f-<form>-facts and f-<form>-considerations.
func reasonFields(form string, r model.Reasons, errs map[string]string, lang i18n.Lang) []reasonField {
	values := []string{r.Rules, r.Facts, r.Considerations}
	out := make([]reasonField, len(reasonNames))
	for i, name := range reasonNames {
		out[i] = reasonField{ID: form + "-" + strings.TrimPrefix(name, "reasons."), Name: name,
			Label: msg("field." + name).In(lang), Hint: msg("hint." + name).In(lang), Value: values[i], Err: errs[name]}
	}
	return out
}

// reasonsFromPost reads the three parts from a posted form.
func reasonsFromPost(form url.Values) model.Reasons {
	return model.Reasons{Rules: form.Get("reasons.rules"), Facts: form.Get("reasons.facts"),
		Considerations: form.Get("reasons.considerations")}
}

// reasonHref links a field error of one of the three parts to its input
// in the form named form; other names get other(name).
func reasonHref(form string, other func(string) string) func(string) string {
	return func(name string) string {
		if strings.HasPrefix(name, "reasons.") {
			return "#f-" + form + "-" + strings.TrimPrefix(name, "reasons.")
		}
		return other(name)
	}
}
