package letter

import (
	"bytes"
	"strings"
	"testing"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/money"
)

// FuzzRender writes a letter with whatever people typed in every text, any
// amounts, and an admin's edit of the template's intro: never a panic;
// data that passes the checks always gives a PDF, and a template text is
// either refused as an apperr.Invalid or rendered.
func FuzzRender(f *testing.F) {
	for _, s := range []struct {
		text, long, intro  string
		requested, granted int64
	}{
		{"Digital tilsynsrunde", "Prosjektet har stor nytte.", "", 125_000_000, 100_000_000},
		{"<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "Vi viser til {{.ApplicationTitle}}.", 1, 1},
		{") Tj ET BT /F1 99 Tf (injected) Tj", "\\) \\\\ ( %PDF-1.7 endstream endobj trailer << >> %%EOF", "{{.Fund", 9_000_000_000_000_000_000, -1},
		{"Áilu\x00 Čađđa\x07 Ŋŧ\x1b[31m", "- punkt\n- punkt\n\n\n" + strings.Repeat("langtord", 80), "{{.Nope}} {{{{}}}}", -5, 0},
		{"\u202eomvendt\u202c 🙂 中文 C\u030c", strings.Repeat("x", 3000), "%s %d %!(EXTRA)", 0, 0},
		{"\xff\xfe", "\r\n\r\n\t\f\v", "\x00", 100, 100},
	} {
		f.Add(s.text, s.long, s.intro, s.requested, s.granted, uint8(0))
	}
	f.Fuzz(func(t *testing.T, text, long, intro string, requested, granted int64, choice uint8) {
		d := grantData(i18n.NB)
		if choice&1 == 1 {
			d = grantData(i18n.EN)
		}
		d.Addressee, d.Unit, d.ApplicationTitle, d.SignerName, d.SignerTitle = text, text, text, text, text
		d.Purpose, d.Reasons = long, Reasons{Rules: long, Facts: text, Considerations: long}
		d.Conditions = []string{long, text}
		d.Draft = choice&2 != 0
		d.Requested = money.Ore(requested)
		d.Granted = money.Ore(granted)
		switch choice >> 2 % 3 {
		case 0:
			acceptance := d.Granted * 75 / 100
			d.Payouts = []Tranche{{Percent: 75, Amount: acceptance, Trigger: OnAcceptance},
				{Percent: 25, Amount: d.Granted - acceptance, Trigger: OnFinalReport, Condition: text}}
		case 1:
			d.Outcome, d.Payouts = Reject, nil
		case 2:
			d.Outcome, d.Payouts = Dismiss, nil
		}
		tmpl := DefaultTemplate()
		tmpl.NB.Intro, tmpl.EN.Intro = intro, intro
		if intro == "" {
			tmpl = DefaultTemplate()
		}
		templateErr := tmpl.Validate()
		if templateErr != nil && !apperr.Is(templateErr, apperr.Invalid) {
			t.Fatalf("Validate(%q) = %v, not an apperr.Invalid", intro, templateErr)
		}

		var buf bytes.Buffer
		err := renderer(t).Render(&buf, d, tmpl)
		dataErr := d.check()
		switch {
		case dataErr != nil || templateErr != nil:
			if err == nil {
				t.Fatalf("rendered a letter from data (%v) or a template (%v) that does not check", dataErr, templateErr)
			}
			if buf.Len() != 0 {
				t.Fatalf("a refused letter wrote %d bytes", buf.Len())
			}
		case err != nil:
			t.Fatalf("Render: %v", err)
		case !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimRight(buf.Bytes(), "\r\n"), []byte("%%EOF")):
			t.Fatalf("not a PDF: %q … %q", buf.Bytes()[:min(buf.Len(), 16)], buf.Bytes()[max(0, buf.Len()-16):])
		}
	})
}
