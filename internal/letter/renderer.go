package letter

import (
	"fmt"
	"io"

	"codeberg.org/go-pdf/fpdf"

	"nyttig/internal/i18n"
)

// Renderer lays out decision letters. Create one with NewRenderer and share
// it: it holds the fonts and their coverage, and is safe for concurrent use
// because every Render builds its own document.
type Renderer struct {
	fonts *fonts
}

// NewRenderer loads and checks the fonts once.
func NewRenderer() (*Renderer, error) {
	f, err := loadFonts()
	if err != nil {
		return nil, err
	}
	return &Renderer{fonts: f}, nil
}

// Render writes d as a PDF letter to w, worded by t in d.Language. It fails,
// writing nothing, when d is incomplete, t does not validate or the logo is
// not a readable PNG or JPEG.
func (r *Renderer) Render(w io.Writer, d Data, t Template) error {
	if err := d.check(); err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return err
	}
	l := newLayout(r.fonts, &d, t.Texts(d.Language), t.AppealAddress)
	l.write()
	if err := l.pdf.Error(); err != nil {
		return fmt.Errorf("letter: render %s: %w", d.CaseNumber, err)
	}
	if err := l.pdf.Output(w); err != nil {
		return fmt.Errorf("letter: write %s: %w", d.CaseNumber, err)
	}
	return nil
}

// newDocument starts an A4 document with the fonts, metadata and page
// furniture of a letter. Nothing is encrypted and every font is embedded,
// as archiving as PDF/A requires.
func (l *layout) newDocument() {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AliasNbPages(pagesAlias)
	l.fonts.addTo(pdf)
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetAutoPageBreak(true, marginBottom)
	// Page content is left uncompressed: fpdf builds a new zlib writer (over
	// 1 MiB of zeroed memory) for each page, about 0.3 ms a page; the font
	// streams are compressed regardless. A letter grows from 22 to 33 KB.
	pdf.SetCompression(false)
	pdf.SetTitle(l.line(l.tx.Title), true)
	pdf.SetSubject(l.line(l.tx.Subject), true)
	pdf.SetAuthor(l.value(l.d.Municipality)+", "+l.value(l.d.Fund), true)
	pdf.SetCreator("Nyttig", true)
	pdf.SetProducer("Nyttig (go-pdf/fpdf)", true)
	pdf.SetLang(languageTag(l.d.Language))
	pdf.SetCreationDate(l.d.Date.UTC()) // fpdf writes no offset, and readers take such a date as UTC
	pdf.SetModificationDate(l.d.Date.UTC())
	pdf.SetHeaderFuncMode(l.header, true)
	pdf.SetFooterFunc(l.footer)
	l.pdf = pdf
}

// languageTag is the BCP 47 tag for the PDF catalogue's /Lang.
func languageTag(lang i18n.Lang) string {
	if lang == i18n.EN {
		return "en-GB"
	}
	return "nb-NO"
}
