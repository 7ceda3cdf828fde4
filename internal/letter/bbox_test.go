package letter

import (
	"regexp"
	"strconv"
	"testing"
)

// word is a word pdftotext -bbox found, with its box in points.
type word struct {
	text                   string
	xMin, yMin, xMax, yMax float64
	page                   int
}

var (
	pageTag = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	wordTag = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>|<page `)
)

// words returns every word of the letter with its page and box, and the
// page size in points.
func words(t *testing.T, pdf []byte) (ws []word, width, height float64) {
	out := poppler(t, pdf, "pdftotext", "-bbox")
	if m := pageTag.FindStringSubmatch(out); m != nil {
		width, _ = strconv.ParseFloat(m[1], 64)
		height, _ = strconv.ParseFloat(m[2], 64)
	} else {
		t.Fatalf("pdftotext -bbox gave no page:\n%s", out)
	}
	page := 0
	for _, m := range wordTag.FindAllStringSubmatch(out, -1) {
		if m[0] == "<page " {
			page++
			continue
		}
		w := word{text: m[5], page: page}
		for i, f := range []*float64{&w.xMin, &w.yMin, &w.xMax, &w.yMax} {
			*f, _ = strconv.ParseFloat(m[i+1], 64)
		}
		ws = append(ws, w)
	}
	return ws, width, height
}

// mm converts millimetres to points.
func mm(v float64) float64 { return v * 72 / 25.4 }
