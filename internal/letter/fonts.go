package letter

import (
	"fmt"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// family is the name the letter's font is registered under in a document.
const family = "go"

// fonts is Go Regular (TrueType, BSD licence, shipped in a Go module so no
// binary is committed). It covers Latin-1 and Latin Extended-A, so æøå and
// North, Lule, South and Inari Sámi (á č đ ŋ š ŧ ž ï â ä) render, and Greek
// and Cyrillic; it lacks the Skolt Sámi ǥ ǧ ǩ ǯ ʒ, which show as "?".
//
// fpdf cannot share a parsed UTF-8 font between documents: each document
// parses the TrueType file again, hashes a 65 536-entry width table through
// encoding/json, and at the end subsets the font and compresses it and a
// 128 KiB CID-to-glyph map. That costs about 3.5 ms per face per letter,
// more than the whole rest of a letter, so a letter embeds one face and
// draws bold by stroking it (see setFont).
type fonts struct {
	regular []byte
	// covered has a bit set for each rune of the Basic Multilingual Plane
	// the face draws; anything else is shown as "?".
	covered [0x10000 / 64]uint64
}

func loadFonts() (*fonts, error) {
	f := &fonts{regular: goregular.TTF}
	face, err := sfnt.Parse(f.regular)
	if err != nil {
		return nil, fmt.Errorf("letter: parse font: %w", err)
	}
	var buf sfnt.Buffer
	for r := rune(0x20); r < 0x10000; r++ {
		if r >= 0xE000 && r <= 0xF8FF { // private use: never text, and the page-count alias lives here
			continue
		}
		if g, err := face.GlyphIndex(&buf, r); err == nil && g != 0 {
			f.covered[r/64] |= 1 << (r % 64)
		}
	}
	return f, nil
}

// covers reports whether the face draws r.
func (f *fonts) covers(r rune) bool {
	return r >= 0 && r < 0x10000 && f.covered[r/64]&(1<<(r%64)) != 0
}

// addTo registers the face in a new document.
func (f *fonts) addTo(pdf *fpdf.Fpdf) {
	pdf.AddUTF8FontFromBytes(family, "", f.regular)
}
