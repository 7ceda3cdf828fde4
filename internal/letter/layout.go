package letter

import (
	"codeberg.org/go-pdf/fpdf"
)

// Page geometry in millimetres and type sizes in points.
const (
	pageW        = 210.0
	pageH        = 297.0
	marginLeft   = 25.0
	marginRight  = 20.0
	marginTop    = 22.0 // pages after the first; the first has the letterhead
	marginBottom = 22.0
	textW        = pageW - marginLeft - marginRight

	bodySize    = 10.0
	lineH       = 4.7
	headingSize = 11.0
	titleSize   = 14.0
	smallSize   = 8.0
)

// pagesAlias stands for the page count until the document is closed. It is a
// private-use character the text cleaner never lets through, so no text in a
// letter can be mistaken for it, in UTF-8 or, shifted by a byte, in the
// UTF-16 the page content is written in.
const pagesAlias = "\ue0e0\ue0e0"

// layout is one letter being drawn: the data, the texts in the letter's
// language and the document.
type layout struct {
	fonts *fonts
	d     *Data
	tx    *Texts
	vals  map[string]string // placeholder values, cleaned
	pdf   *fpdf.Fpdf
	bold  bool // the text being drawn is stroked; see setFont
}

func newLayout(f *fonts, d *Data, tx *Texts, appealAddress string) *layout {
	l := &layout{fonts: f, d: d, tx: tx}
	lang := d.Language
	l.vals = map[string]string{
		phMunicipality:     l.value(d.Municipality),
		phFund:             l.value(d.Fund),
		phAddressee:        l.value(d.Addressee),
		phUnit:             l.value(d.Unit),
		phCaseNumber:       l.value(d.CaseNumber),
		phDate:             formatDate(d.Date),
		phApplicationTitle: l.value(d.ApplicationTitle),
		phRequested:        formatAmount(d.Requested, lang),
		phGranted:          formatAmount(d.Granted, lang),
		phSignerName:       l.value(d.SignerName),
		phSignerTitle:      l.value(d.SignerTitle),
	}
	if d.Outcome == Approve {
		l.vals[phPeriodStart] = formatDate(d.PeriodStart)
		l.vals[phPeriodEnd] = formatDate(d.PeriodEnd)
		l.vals[phReportDeadline] = formatDate(d.ReportDeadline)
		l.vals[phAcceptDeadline] = formatDate(d.AcceptDeadline)
	}
	l.vals[phAppealAddress] = l.line(appealAddress)
	return l
}

// value cleans a one-line value from the data.
func (l *layout) value(s string) string { return l.fonts.clean(s, false) }

// text fills a template text with the letter's values and cleans it,
// keeping its line breaks.
func (l *layout) text(s string) string { return l.fonts.clean(expand(s, l.vals), true) }

// line is text on one line: headings, metadata, table cells.
func (l *layout) line(s string) string { return l.fonts.clean(expand(s, l.vals), false) }

// write draws the whole letter.
func (l *layout) write() {
	l.newDocument()
	l.pdf.AddPage()
	l.letterhead()
	if l.pdf.Err() { // an unreadable logo: fpdf draws nothing more
		return
	}
	l.body()
}
