package letter

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"

	"nyttig/internal/i18n"
)

// watermark joins the large words of each page, which is where pdftotext
// puts the pieces of the diagonal watermark.
func watermark(t *testing.T, pdf []byte) map[int]string {
	ws, _, _ := words(t, pdf)
	slices.SortFunc(ws, func(a, b word) int { return int(a.xMin - b.xMin) })
	marks := map[int]string{}
	for _, w := range ws {
		if w.yMax-w.yMin > 30 {
			marks[w.page] += w.text
		}
	}
	return marks
}

func TestDraftWatermark(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		word string
	}{{i18n.NB, "UTKAST"}, {i18n.EN, "DRAFT"}} {
		t.Run(string(tc.lang), func(t *testing.T) {
			d := grantData(tc.lang)
			d.Reasons.Facts = longReasons(20)
			final := render(t, d)
			d.Draft = true
			draft := render(t, d)
			n := pages(t, draft)
			if n < 2 || n != pages(t, final) {
				t.Fatalf("draft has %d pages, final %d", n, pages(t, final))
			}
			marks := watermark(t, draft)
			for p := 1; p <= n; p++ {
				if marks[p] != tc.word {
					t.Errorf("draft page %d: watermark %q, want %q", p, marks[p], tc.word)
				}
			}
			if marks := watermark(t, final); len(marks) != 0 {
				t.Errorf("final letter has a watermark: %v", marks)
			}
			if strings.Contains(text(t, final), tc.word) {
				t.Errorf("final letter says %q", tc.word)
			}
			ws, width, height := wordsOf(t, draft, tc.word)
			checkInside(t, ws, width, height)
		})
	}
}

// wordsOf returns the words of pdf apart from the watermark's pieces.
func wordsOf(t *testing.T, pdf []byte, mark string) ([]word, float64, float64) {
	ws, width, height := words(t, pdf)
	return slices.DeleteFunc(ws, func(w word) bool { return w.yMax-w.yMin > 30 && strings.Contains(mark, w.text) }), width, height
}

func TestMetadataAndFonts(t *testing.T) {
	for _, tc := range []struct {
		lang                  i18n.Lang
		title, subject, langs string
	}{
		{i18n.NB, "Vedtak om tilskudd fra Innovasjonsfondet", "Vedtak i sak 2026/0042: Digital tilsynsrunde i hjemmetjenesten", "/Lang (nb-NO)"},
		{i18n.EN, "Decision on a grant from Innovasjonsfondet", "Decision in case 2026/0042: Digital tilsynsrunde i hjemmetjenesten", "/Lang (en-GB)"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			pdf := render(t, grantData(tc.lang))
			got := info(t, pdf)
			for field, want := range map[string]string{
				"Title":     tc.title,
				"Subject":   tc.subject,
				"Author":    "Sandnes kommune, Innovasjonsfondet",
				"Creator":   "Nyttig",
				"Encrypted": "no",
				// The moment of decision, 10:30 in Oslo.
				"CreationDate": "2026-11-24T09:30:00Z",
				"Page size":    "595.28 x 841.89 pts (A4)",
			} {
				if got[field] != want {
					t.Errorf("pdfinfo %s: %q, want %q", field, got[field], want)
				}
			}
			if !bytes.Contains(pdf, []byte(tc.langs)) {
				t.Errorf("catalogue has no %s", tc.langs)
			}
			fonts := poppler(t, pdf, "pdffonts")
			lines := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
			if len(lines) == 0 {
				t.Fatalf("no fonts:\n%s", fonts)
			}
			for _, l := range lines {
				f := strings.Fields(l)
				// name type… encoding emb sub uni object generation
				if len(f) < 7 || f[len(f)-5] != "yes" || f[len(f)-3] != "yes" {
					t.Errorf("font not embedded with a Unicode map: %s", l)
				}
			}
		})
	}
}

// One Renderer serves many goroutines, and the same letter comes out the
// same every time, byte for byte.
func TestConcurrentRendersAreIdentical(t *testing.T) {
	d := grantData(i18n.NB)
	want := render(t, d)
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for range 8 {
		wg.Go(func() {
			for range 4 {
				var buf bytes.Buffer
				if err := renderer(t).Render(&buf, d, DefaultTemplate()); err != nil {
					errs <- err.Error()
					return
				}
				if !bytes.Equal(buf.Bytes(), want) {
					errs <- "a concurrent render differs"
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
