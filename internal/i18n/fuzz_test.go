package i18n

import (
	"strings"
	"testing"
)

// FuzzFromAcceptLanguage sends any Accept-Language header: the answer is
// always one of the two languages, and English only when the header names
// an English tag before any Norwegian one.
func FuzzFromAcceptLanguage(f *testing.F) {
	for _, s := range []string{
		"", "en", "nb", "nn-NO,en;q=0.5", "en-GB,en;q=0.9,nb;q=0.8", "de,fr;q=0.5", "*", ",,,;;;", "EN-us",
		"no;q=1, en", ";en", "en;q=0", "x" + strings.Repeat(",", 100), "\x00en", "ｅｎ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got := FromAcceptLanguage(h)
		if got != NB && got != EN {
			t.Fatalf("FromAcceptLanguage(%q) = %q", h, got)
		}
		if got == EN && !strings.Contains(strings.ToLower(h), "en") {
			t.Errorf("FromAcceptLanguage(%q) = en for a header that does not name English", h)
		}
		if p := Parse(h); p != NB && p != EN {
			t.Fatalf("Parse(%q) = %q", h, p)
		}
	})
}
