package grants_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"nyttig/internal/grants"
)

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("x", 300)
	for _, c := range []struct{ name, in, want string }{
		{"plain", "plan.pdf", "plan.pdf"},
		{"Norwegian letters and spaces", "  Søknad «plan» 2026.pdf ", "Søknad «plan» 2026.pdf"},
		{"traversal", "../../etc/passwd", "passwd"},
		{"absolute path", "/var/lib/nyttig/plan.pdf", "plan.pdf"},
		{"backslashes", `C:\Users\kari\plan.docx`, "plan.docx"},
		{"mixed separators", `..\../x\..\plan.pdf`, "plan.pdf"},
		{"control characters", "pl\x00an\x07\x1b\x7f\u0085.pdf", "plan.pdf"},
		{"newlines", "plan\r\n.pdf", "plan.pdf"},
		{"right-to-left override", "faktura\u202Efdp.exe", "fakturafdp.exe"},
		{"zero-width and bidi marks", "pl\u200Ban\u200F\uFEFF.pdf", "plan.pdf"},
		{"invalid UTF-8", "pl\xffan.pdf", "plan.pdf"},
		{"leading and trailing dots", "..hidden.pdf..", "hidden.pdf"},
		{"empty", "", "vedlegg"},
		{"only a directory", "a/b/", "b"},
		{"only dots", "..", "vedlegg"},
		{"a dot between spaces", " . ", "vedlegg"},
		{"line separators before a dot", "\u2028\u2029.txt", "txt"},
		{"cut at a space", strings.Repeat("x", 254) + " yyyyyyyyyy", strings.Repeat("x", 254)},
		{"only control characters", "\x01\x02", "vedlegg"},
		{"only separators", `/\/`, "vedlegg"},
		{"300 characters keep their extension", long + ".pdf", long[:251] + ".pdf"},
		{"300 multibyte characters", strings.Repeat("ø", 300) + ".xlsx", strings.Repeat("ø", 250) + ".xlsx"},
		{"an overlong extension is cut with the rest", "a." + long, "a." + long[:253]},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := grants.CleanFileName(c.in)
			if got != c.want {
				t.Errorf("CleanFileName(%q) = %q, want %q", c.in, got, c.want)
			}
			if n := utf8.RuneCountInString(got); n > 255 || !utf8.ValidString(got) {
				t.Errorf("CleanFileName(%q) is %d characters, valid UTF-8: %v", c.in, n, utf8.ValidString(got))
			}
		})
	}
}
