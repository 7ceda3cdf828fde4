package letter

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"nyttig/internal/i18n"
)

// Whatever people type is shown literally, never breaks the layout and
// never makes rendering fail.
func TestHostileInput(t *testing.T) {
	longWord := strings.Repeat("Søknadsbehandlingsrutinebeskrivelse", 15)[:500]
	d := grantData(i18n.NB)
	d.ApplicationTitle = "<script>alert(1)</script> & <b>fet</b>"
	d.Addressee = "Áilu\x00 Čađđa\x07 Ŋŧ\x1b[31m"
	d.Unit = "Bærum og Hå\n\tDROP TABLE;"
	d.Purpose = "Bruker {{.Fund}} og {nb} og %s og \\(pdf\\) ) ( ) literal."
	d.Reasons.Facts = "Før: " + longWord + " :etter"
	d.Reasons.Rules = "Tekst med \u202eomvendt\u202c retning, null\u200bbredde, emoji 🙂, kinesisk 中文 og C\u030cC\u030c."
	d.Reasons.Considerations = strings.Repeat("x", 3000)
	d.Conditions = []string{"- ikke en ny kule\n- heller ikke denne", strings.Repeat("langtord", 40)}
	d.SignerTitle = "\x1b]0;title\x07Leder"
	d.Payouts[1].Condition = "<i>" + strings.Repeat("utbetaling", 30) + "</i>"

	pdf := render(t, d)
	got := text(t, pdf)
	all := flat(got)
	// In content order, so a table cell's lines are not interleaved with the
	// cells beside it.
	joined := strings.Join(strings.Fields(bodyText(poppler(t, pdf, "pdftotext", "-raw"))), "")
	for _, want := range []string{
		"<script>alert(1)</script> & <b>fet</b>",
		"Áilu Čađđa Ŋŧ[31m",
		"Bærum og Hå DROP TABLE;",
		"Bruker {{.Fund}} og {nb} og %s og \\(pdf\\) ) ( ) literal.",
		"Tekst med omvendt retning, nullbredde, emoji ?, kinesisk ?? og ČČ.",
		"ikke en ny kule - heller ikke denne",
		"]0;titleLeder",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q", want)
		}
	}
	for _, want := range []string{"Før:" + longWord + ":etter", strings.Repeat("x", 3000), strings.Repeat("langtord", 40), "<i>" + strings.Repeat("utbetaling", 30) + "</i>"} {
		if !strings.Contains(joined, want) {
			t.Errorf("a long word is not all there: %.40q…", want)
		}
	}
	for _, r := range got {
		if unicode.IsControl(r) && r != '\n' && r != '\f' {
			t.Errorf("control character %U in the text", r)
		}
	}
	if n := pages(t, pdf); n < 2 || n > 4 {
		t.Errorf("%d pages", n)
	}
	ws, width, height := words(t, pdf)
	checkInside(t, ws, width, height)
	if t.Failed() {
		t.Logf("text:\n%s", got)
	}
}

var pageFurniture = regexp.MustCompile(`(?m)^.*(Side \d+ av \d+|Vår ref\. \d{4}/\d+)$`)

// bodyText is extracted text without the footers and running heads, so a
// word broken across pages reads as one.
func bodyText(s string) string { return pageFurniture.ReplaceAllString(s, "") }
