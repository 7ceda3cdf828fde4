package summary

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"

	"nyttig/internal/i18n"
)

// The page: A4 portrait, in millimetres.
const (
	pageW, pageH   = 210.0, 297.0
	margin         = 20.0
	contentW       = pageW - 2*margin
	bottom         = pageH - 22.0 // where content stops; the footer lives below
	family         = "go"
	bodySize       = 9.0
	smallSize      = 7.5
	lineH          = 4.6
	tocLines       = 12
	definitionText = "Mottatt og søkt beløp, vurderingene og trakten gjelder søknader sendt inn i %d. Avgjørelser, innvilget beløp, " +
		"behandlingstid, finansierte prosjekter og gevinster gjelder søknader med siste vedtak i %d. Utbetalt, tilbakebetalt, " +
		"bortfalt og gjenstående beløp er fondets regnskap for rammen %d. Datoer er norsk tid (Europe/Oslo); beløp er avrundet til hele kroner."
	definitionTextEN = "Received, requested, scores and the funnel count applications submitted in %d. Decisions, granted amounts, " +
		"processing times, funded projects and benefits count applications whose latest decision was made in %d. Paid, clawed back, " +
		"lapsed and remaining money is the fund's ledger for its %d frame. Dates are Norwegian time (Europe/Oslo); amounts are rounded to whole kroner."
)

// doc is one summary being laid out.
type doc struct {
	pdf  *fpdf.Fpdf
	f    Figures
	lang i18n.Lang
	toc  []tocEntry
	tocY float64
}

type tocEntry struct {
	title string
	page  int
	link  int
}

// PDF writes f as an A4 PDF in lang: a first page with the definitions
// and the table of contents, the key figures, charts drawn with the PDF's
// own lines and rectangles (greys and outlines, readable in black and
// white), the tables by unit and call, scores, benefits, the prize and
// the funded projects, with page numbers on every page.
func PDF(w io.Writer, f Figures, lang i18n.Lang) error {
	d := &doc{f: f, lang: lang}
	d.newDocument()
	d.cover()
	d.keyFigures()
	d.charts()
	d.groupTables()
	d.scores()
	d.benefits()
	d.prize()
	d.projects()
	d.finish()
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("summary: render %d: %w", f.Year, err)
	}
	return d.pdf.Output(w)
}

func (d *doc) t(nb, en string) string { return tx(d.lang, nb, en) }

func (d *doc) newDocument() {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(family, "", goregular.TTF)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, pageH-bottom)
	// Uncompressed page content: faster, and the drawing stays countable
	// by the tests; the font is compressed regardless.
	pdf.SetCompression(false)
	title := d.t("Årsoversikt", "Annual summary") + " " + strconv.Itoa(d.f.Year) + " – " + d.f.Fund
	pdf.SetTitle(title, true)
	pdf.SetSubject(d.t("Innovasjonsfondets årsoversikt", "The innovation fund's annual summary"), true)
	pdf.SetAuthor(strings.Trim(d.f.Municipality+", "+d.f.Fund, ", "), true)
	pdf.SetCreator("Nyttig", true)
	pdf.SetProducer("Nyttig (go-pdf/fpdf)", true)
	if d.lang == i18n.EN {
		pdf.SetLang("en-GB")
	} else {
		pdf.SetLang("nb-NO")
	}
	pdf.SetCreationDate(d.f.GeneratedAt.UTC())
	pdf.SetModificationDate(d.f.GeneratedAt.UTC())
	pdf.SetFont(family, "", bodySize)
	d.pdf = pdf
}

// text sets the size and grey (0 black, 255 white) of what is written next.
func (d *doc) text(size float64, grey int) {
	d.pdf.SetFont(family, "", size)
	d.pdf.SetTextColor(grey, grey, grey)
}

// room starts a new page unless h millimetres fit on this one.
func (d *doc) room(h float64) {
	if d.pdf.GetY()+h > bottom {
		d.pdf.AddPage()
	}
}

// section starts a titled part, listed in the table of contents, on a new
// page when less than need millimetres are left.
func (d *doc) section(title string, need float64) {
	pdf := d.pdf
	if pdf.GetY() > margin+1 {
		d.room(need + 14)
		if pdf.GetY() > margin+1 {
			pdf.Ln(4)
		}
	}
	link := pdf.AddLink()
	pdf.SetLink(link, pdf.GetY(), pdf.PageNo())
	d.toc = append(d.toc, tocEntry{title: title, page: pdf.PageNo(), link: link})
	d.text(15, 0)
	pdf.SetX(margin)
	pdf.CellFormat(contentW, 9, title, "", 1, "L", false, 0, "")
	pdf.Ln(1)
	d.text(bodySize, 0)
}

// subheading titles a table or chart within a section.
func (d *doc) subheading(title string, need float64) {
	d.room(need + 8)
	d.text(11, 0)
	d.pdf.SetX(margin)
	d.pdf.CellFormat(contentW, 7, title, "", 1, "L", false, 0, "")
	d.text(bodySize, 0)
}

// paragraph writes wrapped text over the content width.
func (d *doc) paragraph(s string, size float64, grey int) {
	d.text(size, grey)
	d.pdf.SetX(margin)
	d.pdf.MultiCell(contentW, size*0.5, s, "", "L", false)
	d.text(bodySize, 0)
}

func (d *doc) cover() {
	pdf := d.pdf
	pdf.AddPage()
	d.text(24, 0)
	pdf.CellFormat(contentW, 12, d.t("Årsoversikt ", "Annual summary ")+strconv.Itoa(d.f.Year), "", 1, "L", false, 0, "")
	d.text(14, 0)
	pdf.CellFormat(contentW, 8, d.f.Fund, "", 1, "L", false, 0, "")
	if d.f.Municipality != "" {
		pdf.CellFormat(contentW, 8, d.f.Municipality, "", 1, "L", false, 0, "")
	}
	d.text(bodySize, 60)
	pdf.CellFormat(contentW, 6, d.t("Laget ", "Generated ")+date(d.f.GeneratedAt), "", 1, "L", false, 0, "")
	pdf.Ln(4)
	d.text(11, 0)
	pdf.CellFormat(contentW, 7, d.t("Hva året betyr", "What the year means"), "", 1, "L", false, 0, "")
	y := d.f.Year
	d.paragraph(fmt.Sprintf(map[bool]string{true: definitionTextEN, false: definitionText}[d.lang == i18n.EN], y, y, y), bodySize, 0)
	pdf.Ln(6)
	d.text(11, 0)
	pdf.CellFormat(contentW, 7, d.t("Innhold", "Contents"), "", 1, "L", false, 0, "")
	d.tocY = pdf.GetY()
	pdf.SetY(d.tocY + tocLines*6)
}

// finish fills in the table of contents and numbers the pages, now that
// both are known.
func (d *doc) finish() {
	pdf := d.pdf
	last := pdf.PageNo()
	pdf.SetPage(1)
	// fpdf writes a font change only when the font changes, and a text
	// colour only when it differs from the fill: a page revisited needs
	// both written again.
	pdf.SetFont(family, "", bodySize+1)
	pdf.SetFillColor(255, 255, 255)
	d.text(10, 0)
	for i, e := range d.toc {
		if i >= tocLines {
			break
		}
		y := d.tocY + float64(i)*6
		pdf.SetXY(margin, y)
		pdf.CellFormat(contentW-20, 6, e.title, "", 0, "L", false, e.link, "")
		pdf.CellFormat(20, 6, strconv.Itoa(e.page), "", 0, "R", false, e.link, "")
		pdf.SetDrawColor(180, 180, 180)
		pdf.SetLineWidth(0.1)
		pdf.Line(margin, y+5.6, margin+contentW, y+5.6)
	}
	for p := 1; p <= last; p++ {
		pdf.SetPage(p)
		pdf.SetFont(family, "", smallSize+1)
		pdf.SetFillColor(255, 255, 255)
		d.text(smallSize, 80)
		pdf.SetXY(margin, pageH-14)
		pdf.CellFormat(contentW/2, 5, d.f.Fund+" – "+strconv.Itoa(d.f.Year), "", 0, "L", false, 0, "")
		pdf.CellFormat(contentW/2, 5, fmt.Sprintf(d.t("Side %d av %d", "Page %d of %d"), p, last), "", 0, "R", false, 0, "")
	}
	pdf.SetPage(last)
}
