package letter

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// clean makes s safe to draw literally: text is composed (NFC), so a "C"
// followed by a combining caron becomes the "Č" the font has; control and
// format characters (escape sequences, NUL, bidi overrides, zero-width
// spaces) are dropped; tabs become spaces; narrow and figure no-break spaces
// become the no-break space the font has; a rune the fonts lack becomes "?".
// Line breaks are kept when multiline, else they become spaces. Markup is
// never interpreted, so "<script>" stays text.
func (f *fonts) clean(s string, multiline bool) string {
	if plainASCII(s, multiline) {
		return s
	}
	s = norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n"))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			if multiline {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r == '\u202f' || r == '\u2007':
			b.WriteRune('\u00a0')
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
		case !f.covers(r):
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// plainASCII reports whether s is printable ASCII (plus newlines when
// multiline), which needs no cleaning.
func plainASCII(s string, multiline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 || c > 0x7e) && (c != '\n' || !multiline) {
			return false
		}
	}
	return true
}
