package httpx_test

import (
	"mime"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"nyttig/internal/grants"
	"nyttig/internal/httpx"
)

// FuzzFileName follows a client's file name from the upload to the
// download: the stored name is one plain, non-empty path element of at
// most 255 characters without control, formatting or invalid characters,
// cleaning it again changes nothing, and the Content-Disposition of any
// name is one header line that gives the stored name back exactly.
func FuzzFileName(f *testing.F) {
	for _, s := range []string{
		"plan.pdf", "../../etc/passwd", `..\..\windows\system32\cmd.exe`, "/var/lib/nyttig/plan.pdf",
		"plan\x00.pdf", "plan\r\nContent-Type: text/html\r\n\r\n<script>.pdf", "faktura\u202Efdp.exe",
		"pl\u200Ban\u200F\uFEFF.pdf", "pl\xffan.pdf", "..hidden.pdf..", "", "..", " . ", ". .", `/\/`,
		strings.Repeat("å", 300) + ".pdf", "a." + strings.Repeat("x", 300),
		`a"b\c;d%e.txt`, "日本.csv", "con.txt", "\u0085\u2028\u2029.txt", "emoji 🙂.png",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		clean := grants.CleanFileName(name)
		switch n := utf8.RuneCountInString(clean); {
		case !utf8.ValidString(clean):
			t.Fatalf("CleanFileName(%q) = %q, not UTF-8", name, clean)
		case n == 0 || n > 255:
			t.Fatalf("CleanFileName(%q) = %q, %d characters", name, clean, n)
		case strings.ContainsAny(clean, `/\`):
			t.Fatalf("CleanFileName(%q) = %q, more than one path element", name, clean)
		case clean == "." || clean == "..":
			t.Fatalf("CleanFileName(%q) = %q, a directory", name, clean)
		case strings.TrimFunc(clean, func(r rune) bool { return r == '.' || unicode.IsSpace(r) }) != clean:
			t.Fatalf("CleanFileName(%q) = %q, with leading or trailing dots or spaces", name, clean)
		}
		for _, r := range clean {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("CleanFileName(%q) = %q, with %U", name, clean, r)
			}
		}
		if again := grants.CleanFileName(clean); again != clean {
			t.Fatalf("CleanFileName(%q) = %q, but cleaning that gives %q", name, clean, again)
		}

		for _, n := range []string{name, clean} {
			cd := httpx.ContentDisposition(n)
			if strings.ContainsAny(cd, "\r\n\x00") {
				t.Fatalf("ContentDisposition(%q) = %q breaks the header", n, cd)
			}
			for i := 0; i < len(cd); i++ {
				if cd[i] < 0x20 || cd[i] >= 0x7f {
					t.Fatalf("ContentDisposition(%q) = %q has the byte %#x", n, cd, cd[i])
				}
			}
		}
		cd := httpx.ContentDisposition(clean)
		typ, params, err := mime.ParseMediaType(cd)
		if err != nil || typ != "attachment" || params["filename"] != clean {
			t.Fatalf("ContentDisposition(%q) = %q parses as %q %q, %v", clean, cd, typ, params["filename"], err)
		}
	})
}
