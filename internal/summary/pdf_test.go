package summary_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nyttig/internal/i18n"
	"nyttig/internal/summary"
)

func renderPDF(t *testing.T, f summary.Figures, lang string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := summary.PDF(&b, f, i18n.Parse(lang)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfText extracts the text with poppler's pdftotext (installed by `make
// test`), no-break spaces made plain.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "summary.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils; `make test` installs it): %v", err)
	}
	return strings.ReplaceAll(string(out), "\u00a0", " ")
}

func pdfPages(t *testing.T, pdf []byte) int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "summary.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gives no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func contains(text, want string) bool { return strings.Contains(text, want) }

// grouped writes n with spaces between thousands, as a Norwegian reads it;
// written here again so the test does not lean on the package's own.
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, out...), " ")
}

// TestPDFText reads the PDF back as text: title, definitions, contents,
// page numbers, the key amounts written the Norwegian way, the prize
// winner and the funded projects, in bokmål and English.
func TestPDFText(t *testing.T) {
	st, s := syntheticFund(t, 300)
	f, err := summary.Load(context.Background(), st, s.Fund.ID, s.Year, now)
	if err != nil {
		t.Fatal(err)
	}
	winner, _ := f.Winner()
	granted := grouped((int64(f.Totals.GrantedOre) + 50) / 100)
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"nb", []string{"Årsoversikt 2025", s.Fund.Name, "Hva året betyr", "søknader sendt inn i 2025", "Innhold", "Nøkkeltall",
			"Innvilget beløp", granted + " kr", "Laget 24.11.2026", "Vinner: " + winner.Title, "Finansierte prosjekter",
			f.Projects[0].CaseNumber, "Innvilget beløp per enhet", "Fra mottatt til avsluttet", "Median"}},
		{"en", []string{"Annual summary 2025", "What the year means", "Contents", "Key figures", "Amount granted",
			"NOK " + granted, "Generated 24.11.2026", "Winner: " + winner.Title, "Funded projects", "Page 1 of"}},
	} {
		pdf := renderPDF(t, f, c.lang)
		text := pdfText(t, pdf)
		for _, w := range c.want {
			if !contains(text, w) {
				t.Errorf("%s: the PDF's text lacks %q", c.lang, w)
			}
		}
		pages := pdfPages(t, pdf)
		if pages < 5 {
			t.Errorf("%s: %d pages, want the summary to span several", c.lang, pages)
		}
		last := map[string]string{"nb": "Side %d av %d", "en": "Page %d of %d"}[c.lang]
		for _, p := range []int{1, pages} {
			if w := strings.Replace(strings.Replace(last, "%d", strconv.Itoa(p), 1), "%d", strconv.Itoa(pages), 1); !contains(text, w) {
				t.Errorf("%s: no page number %q", c.lang, w)
			}
		}
		if t.Failed() {
			t.Logf("text:\n%.3000s", text)
		}
	}
}

// TestPDFCharts counts the bars drawn: each bar is one filled and stroked
// rectangle ("re B" in the uncompressed page content), one per unit, per
// funnel stage, per non-empty processing-time bar and per criterion.
func TestPDFCharts(t *testing.T) {
	st, s := syntheticFund(t, 300)
	f, err := summary.Load(context.Background(), st, s.Fund.ID, s.Year, now)
	if err != nil {
		t.Fatal(err)
	}
	want := len(f.ByUnit) + 6 + len(f.Scores)
	for _, n := range f.Processing.Buckets {
		if n > 0 {
			want++
		}
	}
	pdf := renderPDF(t, f, "nb")
	if got := len(regexp.MustCompile(`\bre B\b`).FindAll(pdf, -1)); got != want {
		t.Errorf("%d bars drawn, want %d", got, want)
	}
	// The charts come before the tables by unit: the bar chart names the
	// biggest unit with its amount.
	text := pdfText(t, pdf)
	i, j := strings.Index(text, "Diagrammer"), strings.Index(text, "Per enhet")
	if i < 0 || j < i {
		t.Errorf("the charts section is missing or misplaced (%d, %d)", i, j)
	}
}

// TestCSVAndJSON checks the two data forms against the figures.
func TestCSVAndJSON(t *testing.T) {
	st, s := syntheticFund(t, 300)
	f, err := summary.Load(context.Background(), st, s.Fund.ID, s.Year, now)
	if err != nil {
		t.Fatal(err)
	}
	raw := summary.CSV(f, i18n.NB)
	if !bytes.HasPrefix(raw, []byte("section;group;measure;label;value\r\n")) {
		t.Fatalf("CSV header: %.80q", raw)
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.Comma = ';'
	lines, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, l := range lines[1:] {
		values[l[0]+"/"+l[1]+"/"+l[2]] = l[4]
	}
	kr := func(o int64) string { return strconv.FormatInt(o/100, 10) + "," + strconv.FormatInt(100+o%100, 10)[1:] }
	for key, want := range map[string]string{
		"applications//received": strconv.Itoa(f.Totals.Received),
		"applications//rejected": strconv.Itoa(f.Totals.Rejected),
		"amounts//granted":       kr(int64(f.Totals.GrantedOre)),
		"amounts//paid":          kr(int64(f.Ledger.Paid)),
		"funnel//completed":      strconv.Itoa(f.Funnel.Completed),
		"summary//year":          "2025",
		"projects/" + f.Projects[0].CaseNumber + "/title": f.Projects[0].Title,
	} {
		if values[key] != want {
			t.Errorf("CSV %s = %q, want %q", key, values[key], want)
		}
	}
	if n := len(lines) - 1; n < 60+6*len(f.Projects) {
		t.Errorf("CSV has %d lines of figures", n)
	}
	b, err := summary.JSON(f)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	totals := back["totals"].(map[string]any)
	if totals["granted_ore"].(float64) != float64(f.Totals.GrantedOre) || back["year"].(float64) != 2025 {
		t.Errorf("JSON totals %v", totals)
	}
	if got := len(back["projects"].([]any)); got != len(f.Projects) {
		t.Errorf("JSON lists %d projects, want %d", got, len(f.Projects))
	}
}

// TestPDFContents checks the table of contents: every entry's page holds
// its heading.
func TestPDFContents(t *testing.T) {
	st, s := syntheticFund(t, 300)
	f, err := summary.Load(context.Background(), st, s.Fund.ID, s.Year, now)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "summary.pdf")
	if err := os.WriteFile(path, renderPDF(t, f, "nb"), 0o600); err != nil {
		t.Fatal(err)
	}
	page := func(n int) string {
		out, err := exec.Command("pdftotext", "-layout", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext page %d: %v", n, err)
		}
		return string(out)
	}
	first := page(1)
	_, contents, ok := strings.Cut(first, "Innhold")
	if !ok {
		t.Fatalf("no table of contents on page 1:\n%s", first)
	}
	entry := regexp.MustCompile(`(?m)^\s*(\S.*?\S)\s{2,}(\d+)\s*$`)
	entries := entry.FindAllStringSubmatch(contents, -1)
	var titles []string
	for _, m := range entries {
		n, _ := strconv.Atoi(m[2])
		titles = append(titles, m[1])
		if !strings.Contains(page(n), m[1]) {
			t.Errorf("contents: %q on page %d, which does not hold it", m[1], n)
		}
	}
	want := []string{"Nøkkeltall", "Diagrammer", "Per enhet", "Per utlysning", "Gjennomsnittlig poeng per kriterium",
		"Gevinstrealisering", "Innovasjonsprisen", "Finansierte prosjekter"}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Errorf("contents %q, want %q", titles, want)
	}
}
