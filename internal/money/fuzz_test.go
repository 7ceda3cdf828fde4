package money

import (
	"strings"
	"testing"
)

// FuzzParseKroner types anything into an amount field: ParseKroner never
// panics, never returns a negative amount, and whatever it reads formats
// (Number, String) into text that parses back to the same amount.
func FuzzParseKroner(f *testing.F) {
	for _, s := range []string{
		"1 250 000", "kr 12 500", "1.250.000", "12,5", "12,50", "12,505", "abc", "", "-5", "1e6",
		"999999999999999,99", "9999999999999999", "0,01", ",5", "1,", "kr", " kr 1\u00a0250\u202f000,5 ",
		"1..2", "١٢٣", "１２", "+5", "0x10", "1_000", "kr kr 5", "−500",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, ok := ParseKroner(s)
		if !ok {
			if o != 0 {
				t.Errorf("ParseKroner(%q) refused the text but returned %d", s, o)
			}
			return
		}
		if o < 0 {
			t.Fatalf("ParseKroner(%q) = %d, a negative amount", s, o)
		}
		for _, text := range []string{o.Number(), o.String(), strings.ReplaceAll(o.Number(), "\u00a0", "")} {
			back, ok := ParseKroner(text)
			if !ok || back != o {
				t.Errorf("ParseKroner(%q) = %d, formatted %q, which parses back to %d, %v", s, o, text, back, ok)
			}
		}
	})
}
