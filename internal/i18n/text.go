// Package i18n owns Nyttig's two languages: bokmål (the default) and English.
// A Text carries a user-facing string in both; Lang picks one from a request.
package i18n

import (
	"fmt"
	"strings"
)

// Lang is a language code: "nb" or "en".
type Lang string

const (
	NB Lang = "nb"
	EN Lang = "en"
)

// Parse returns the language named by s, falling back to bokmål.
func Parse(s string) Lang {
	if strings.EqualFold(strings.TrimSpace(s), "en") {
		return EN
	}
	return NB
}

// FromAcceptLanguage picks nb or en from an Accept-Language header, in the
// order the client prefers them; bokmål when neither is named.
func FromAcceptLanguage(h string) Lang {
	for _, part := range strings.Split(h, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return EN
		case tag == "nb" || tag == "no" || tag == "nn" || strings.HasPrefix(tag, "nb-") || strings.HasPrefix(tag, "no-") || strings.HasPrefix(tag, "nn-"):
			return NB
		}
	}
	return NB
}

// Text is one user-facing string in bokmål and English.
type Text struct {
	NB string `json:"nb"`
	EN string `json:"en"`
}

// T builds a Text.
func T(nb, en string) Text { return Text{NB: nb, EN: en} }

// Tf builds a Text from two format strings sharing the same arguments.
func Tf(nb, en string, args ...any) Text {
	return Text{NB: fmt.Sprintf(nb, args...), EN: fmt.Sprintf(en, args...)}
}

// In returns the text in lang.
func (t Text) In(lang Lang) string {
	if lang == EN {
		return t.EN
	}
	return t.NB
}

// Tt builds a Text from two format strings whose arguments are themselves
// Texts, each filled in its own language.
func Tt(nb, en string, args ...Text) Text {
	nbArgs, enArgs := make([]any, len(args)), make([]any, len(args))
	for i, a := range args {
		nbArgs[i], enArgs[i] = a.NB, a.EN
	}
	return Text{NB: fmt.Sprintf(nb, nbArgs...), EN: fmt.Sprintf(en, enArgs...)}
}
