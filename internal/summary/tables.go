package summary

import (
	"strings"

	"nyttig/internal/i18n"
)

// column is one column of a table.
type column struct {
	title string
	width float64
	right bool
}

const rowH = 5.2

// fit shortens s with an ellipsis until it fits w millimetres.
func (d *doc) fit(s string, w float64) string {
	s = strings.Join(strings.Fields(s), " ")
	if d.pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.pdf.GetStringWidth(string(r[:mid])+"…") <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(r[:lo]), " ") + "…"
}

// header writes a table's header row on a light grey band.
func (d *doc) header(cols []column) {
	pdf := d.pdf
	d.text(smallSize+0.5, 0)
	pdf.SetFillColor(225, 225, 225)
	pdf.SetX(margin)
	for _, c := range cols {
		align := "L"
		if c.right {
			align = "R"
		}
		pdf.CellFormat(c.width, rowH+0.6, d.fit(c.title, c.width-1.5), "", 0, align, true, 0, "")
	}
	pdf.Ln(rowH + 0.6)
	d.text(bodySize, 0)
}

// row writes one table row with a hairline below it.
func (d *doc) row(cols []column, cells []string) {
	pdf := d.pdf
	pdf.SetX(margin)
	y := pdf.GetY()
	for i, c := range cols {
		if c.right {
			// A figure is never cut short: it is written smaller instead.
			d.cellFitted(c.width, cells[i])
			continue
		}
		pdf.CellFormat(c.width, rowH, d.fit(cells[i], c.width-1.5), "", 0, "L", false, 0, "")
	}
	pdf.SetDrawColor(190, 190, 190)
	pdf.SetLineWidth(0.1)
	pdf.Line(margin, y+rowH, margin+widthOf(cols), y+rowH)
	pdf.Ln(rowH)
}

// cellFitted writes a right-aligned figure in a cell, at a smaller size
// when it does not fit at the current one.
func (d *doc) cellFitted(w float64, s string) {
	pdf := d.pdf
	size, _ := pdf.GetFontSize()
	fitted := size
	for fitted > 5.5 && pdf.GetStringWidth(s) > w-1.5 {
		fitted -= 0.5
		pdf.SetFontSize(fitted)
	}
	pdf.CellFormat(w, rowH, s, "", 0, "R", false, 0, "")
	if fitted != size {
		pdf.SetFontSize(size)
	}
}

func widthOf(cols []column) float64 {
	w := 0.0
	for _, c := range cols {
		w += c.width
	}
	return w
}

// table writes a header and rows, repeating the header on each new page.
func (d *doc) table(cols []column, rows [][]string) {
	d.room(2 * rowH)
	d.header(cols)
	for _, r := range rows {
		if d.pdf.GetY()+rowH > bottom {
			d.pdf.AddPage()
			d.header(cols)
		}
		d.row(cols, r)
	}
}

// measureTable lists measures as label and value.
func (d *doc) measureTable(ms []measure) {
	cols := []column{{d.t("Tall", "Figure"), 110, false}, {d.t("Verdi", "Value"), 60, true}}
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		rows = append(rows, []string{m.label.In(d.lang), m.show(d.lang)})
	}
	d.table(cols, rows)
}

func (d *doc) keyFigures() {
	d.pdf.AddPage()
	d.section(d.t("Nøkkeltall", "Key figures"), 60)
	for _, s := range sections(d.f)[:3] {
		ms := s.groups[0].measures
		if s.key == "processing" {
			ms = ms[:3]
		}
		d.subheading(s.title.In(d.lang), float64(len(ms))*rowH)
		d.measureTable(ms)
		d.pdf.Ln(3)
	}
}

// groupTables lists the units and the calls, each in two tables: the
// applications and their outcomes, then the money.
func (d *doc) groupTables() {
	for _, s := range sections(d.f)[4:6] {
		d.section(s.title.In(d.lang), 30)
		name := d.t("Enhet", "Unit")
		if s.key == "by_call" {
			name = d.t("Utlysning", "Call")
		}
		counts := []column{{name, 56, false}}
		for _, title := range []string{d.t("Mottatt", "Received"), d.t("Avvist", "Dismissed"), d.t("Avslått", "Rejected"),
			d.t("Innv. fullt", "In full"), d.t("Innv. delvis", "In part"), d.t("Innv.-grad", "Approved")} {
			counts = append(counts, column{title, 19, true})
		}
		amounts := []column{{name, 35, false}}
		for range 5 {
			amounts = append(amounts, column{width: 27, right: true})
		}
		var countRows, amountRows [][]string
		for i, g := range s.groups {
			label := g.name
			if label == "" {
				label = d.t("(ingen enhet)", "(no unit)")
			}
			c, a := []string{label}, []string{label}
			for j, m := range g.measures {
				if i == 0 && j >= groupCounts {
					amounts[j-groupCounts+1].title = m.label.In(d.lang)
				}
				if j < groupCounts {
					c = append(c, m.show(d.lang))
				} else {
					a = append(a, m.show(d.lang))
				}
			}
			countRows, amountRows = append(countRows, c), append(amountRows, a)
		}
		d.subheading(d.t("Søknader og vedtak", "Applications and decisions"), 3*rowH)
		d.table(counts, countRows)
		d.pdf.Ln(3)
		d.subheading(d.t("Beløp", "Amounts"), 3*rowH)
		d.table(amounts, amountRows)
	}
}

func (d *doc) scores() {
	d.section(d.t("Gjennomsnittlig poeng per kriterium", "Average score per criterion"), 40)
	if len(d.f.Scores) == 0 {
		d.paragraph(d.t("Ingen innsendte vurderinger.", "No submitted reviews."), bodySize, 0)
		return
	}
	d.paragraph(d.t("Siste innsendte vurdering fra hver fagvurderer, skala 1–5.", "Each reviewer's latest submitted review, scale 1–5."), smallSize+0.5, 60)
	d.pdf.Ln(2)
	cols := []column{{d.t("Kriterium", "Criterion"), 80, false}, {d.t("Snitt", "Average"), 20, true}, {"", 50, false},
		{d.t("Antall", "Count"), 20, true}}
	d.header(cols)
	for _, s := range d.f.Scores {
		d.room(rowH)
		y := d.pdf.GetY()
		d.row(cols, []string{s.Name.In(d.lang), decimal(s.Average, d.lang), "", count(s.Scores)})
		// A bar from 0 to 5 beside each mean.
		d.pdf.SetDrawColor(0, 0, 0)
		d.pdf.SetLineWidth(0.2)
		d.pdf.SetFillColor(150, 150, 150)
		d.pdf.Rect(margin+102, y+1.2, 46*s.Average/5, rowH-2.4, "FD")
	}
}

func (d *doc) benefits() {
	d.section(d.t("Gevinstrealisering", "Benefit realisation"), 50)
	d.paragraph(d.t("Enhetsledernes evalueringer av prosjektene som ble innvilget i året: antall som gir gevinsten 4 eller 5 av 5, etter KS' innovasjonsbarometer.",
		"The unit leaders' evaluations of the projects granted in the year: how many rate the benefit 4 or 5 of 5, by KS' innovation barometer."), smallSize+0.5, 60)
	d.pdf.Ln(2)
	d.measureTable(benefitMeasures(d.f.Benefits))
}

func (d *doc) prize() {
	d.section(d.t("Innovasjonsprisen", "The innovation prize"), 40)
	if len(d.f.Prize) == 0 {
		d.paragraph(d.t("Prisen er ikke delt ut for året.", "The prize has not been awarded for the year."), bodySize, 0)
		return
	}
	for _, p := range d.f.Prize {
		rank := i18n.T("Vinner", "Winner")
		if p.Rank != "winner" {
			rank = i18n.T("Hedrende omtale", "Honourable mention")
		}
		d.subheading(rank.In(d.lang)+": "+p.Title, 20)
		d.paragraph(p.CaseNumber+" · "+p.Unit, smallSize+0.5, 60)
		d.paragraph(p.Citation, bodySize, 0)
		d.pdf.Ln(3)
	}
}

// projects lists the funded projects, each with two lines of its final
// report's summary.
func (d *doc) projects() {
	pdf := d.pdf
	d.section(d.t("Finansierte prosjekter", "Funded projects"), 40)
	if len(d.f.Projects) == 0 {
		d.paragraph(d.t("Ingen prosjekter ble innvilget i året.", "No projects were granted in the year."), bodySize, 0)
		return
	}
	cols := []column{{d.t("Saksnr.", "Case"), 19, false}, {d.t("Prosjekt", "Project"), 50, false}, {d.t("Enhet", "Unit"), 30, false},
		{d.t("Status", "Status"), 27, false}, {lGrantedCount.In(d.lang), 22, true}, {lPaid.In(d.lang), 22, true}}
	const summaryH = 3.6
	d.header(cols)
	for _, p := range d.f.Projects {
		lines := d.summaryLines(p.ReportSummary, contentW-19)
		need := rowH + float64(len(lines))*summaryH + 0.8
		if pdf.GetY()+need > bottom {
			pdf.AddPage()
			d.header(cols)
		}
		y := pdf.GetY()
		pdf.SetX(margin)
		cells := []string{p.CaseNumber, p.Title, p.Unit, stateLabel(p).In(d.lang), kroner(p.GrantedOre, d.lang), kroner(p.PaidOre, d.lang)}
		d.text(smallSize+0.5, 0)
		for i, c := range cols {
			align := "L"
			if c.right {
				align = "R"
			}
			pdf.CellFormat(c.width, rowH, d.fit(cells[i], c.width-1.5), "", 0, align, false, 0, "")
		}
		pdf.Ln(rowH)
		d.text(smallSize, 70)
		for _, l := range lines {
			pdf.SetX(margin + 19)
			pdf.CellFormat(contentW-19, summaryH, l, "", 1, "L", false, 0, "")
		}
		pdf.SetDrawColor(190, 190, 190)
		pdf.SetLineWidth(0.1)
		end := y + need - 0.4
		pdf.Line(margin, end, margin+contentW, end)
		pdf.SetY(end + 0.4)
	}
	d.text(bodySize, 0)
}

// summaryLines is at most two lines of a final report's summary at the
// small size, the second ending in an ellipsis when there is more.
func (d *doc) summaryLines(s string, w float64) []string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return []string{d.t("Sluttrapporten er ikke godkjent ennå.", "The final report is not approved yet.")}
	}
	d.pdf.SetFont(family, "", smallSize)
	lines := d.pdf.SplitText(s, w)
	if len(lines) > 2 {
		lines = []string{lines[0], d.fit(lines[1]+" "+lines[2], w)}
	}
	return lines
}
