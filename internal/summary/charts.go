package summary

import (
	"math"

	"nyttig/internal/money"
)

// The charts are drawn with the PDF's own rectangles and lines: bars in
// greys with black outlines and their values written beside them, so
// they read the same printed in black and white. Every bar is one
// filled-and-stroked rectangle (the PDF operator "re B"), which the tests
// count.

// maxUnitBars is how many units get a bar of their own; the rest are
// summed as "other units".
const maxUnitBars = 15

func (d *doc) charts() {
	d.pdf.AddPage()
	d.section(d.t("Diagrammer", "Charts"), 80)
	d.unitChart()
	d.funnelChart()
	d.processingChart()
}

// bar draws one bar.
func (d *doc) bar(x, y, w, h float64, grey int) {
	pdf := d.pdf
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.25)
	pdf.SetFillColor(grey, grey, grey)
	pdf.Rect(x, y, math.Max(w, 0.3), h, "FD")
}

// gridLine draws a thin grey guide line.
func (d *doc) gridLine(x1, y1, x2, y2 float64) {
	d.pdf.SetDrawColor(170, 170, 170)
	d.pdf.SetLineWidth(0.1)
	d.pdf.Line(x1, y1, x2, y2)
}

// niceStep is a round step (1, 2, 2.5 or 5 times a power of ten) that
// divides 0..max into about n intervals.
func niceStep(max float64, n int) float64 {
	if max <= 0 {
		return 1
	}
	raw := max / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// unitChart: granted amount per unit, horizontal bars, largest first as
// the table lists them by name.
func (d *doc) unitChart() {
	type unitBar struct {
		name string
		ore  money.Ore
	}
	var bars []unitBar
	var other money.Ore
	for _, g := range d.f.ByUnit {
		name := g.Name
		if name == "" {
			name = d.t("(ingen enhet)", "(no unit)")
		}
		bars = append(bars, unitBar{name, g.GrantedOre})
	}
	// Largest first, then by name.
	for i := 1; i < len(bars); i++ {
		for j := i; j > 0 && (bars[j].ore > bars[j-1].ore || bars[j].ore == bars[j-1].ore && bars[j].name < bars[j-1].name); j-- {
			bars[j], bars[j-1] = bars[j-1], bars[j]
		}
	}
	if len(bars) > maxUnitBars {
		for _, b := range bars[maxUnitBars-1:] {
			other += b.ore
		}
		bars = append(bars[:maxUnitBars-1], unitBar{d.t("Andre enheter", "Other units"), other})
	}
	const barH, gap, labelW, valueW = 5.0, 1.6, 48.0, 26.0
	h := float64(len(bars))*(barH+gap) + 12
	d.subheading(d.t("Innvilget beløp per enhet", "Amount granted per unit"), h)
	if len(bars) == 0 {
		d.paragraph(d.t("Ingenting innvilget i året.", "Nothing granted in the year."), bodySize, 0)
		return
	}
	maxOre := money.Ore(0)
	for _, b := range bars {
		maxOre = max(maxOre, b.ore)
	}
	maxKr := float64(roundKroner(maxOre))
	step := niceStep(maxKr, 4)
	top := math.Max(step, math.Ceil(maxKr/step)*step)
	x0, y0 := margin+labelW, d.pdf.GetY()+1
	w := contentW - labelW - valueW
	plotH := float64(len(bars)) * (barH + gap)
	d.text(smallSize, 60)
	for v := 0.0; v <= top+step/2; v += step {
		x := x0 + w*v/top
		d.gridLine(x, y0-1, x, y0+plotH)
		d.pdf.SetXY(x-15, y0+plotH+0.5)
		d.pdf.CellFormat(30, 4, kroner(money.Ore(v*100), d.lang), "", 0, "C", false, 0, "")
	}
	for i, b := range bars {
		y := y0 + float64(i)*(barH+gap)
		d.text(smallSize+0.5, 0)
		d.pdf.SetXY(margin, y)
		d.pdf.CellFormat(labelW-2, barH, d.fit(b.name, labelW-3), "", 0, "R", false, 0, "")
		bw := w * float64(roundKroner(b.ore)) / top
		d.bar(x0, y, bw, barH, 110)
		// The value on white, above the grid lines.
		label := kroner(b.ore, d.lang)
		d.pdf.SetFillColor(255, 255, 255)
		d.pdf.SetXY(x0+bw+0.8, y+0.5)
		d.pdf.CellFormat(d.pdf.GetStringWidth(label)+1.5, barH-1, label, "", 0, "L", true, 0, "")
	}
	d.pdf.SetY(y0 + plotH + 7)
	d.text(bodySize, 0)
}

// funnelChart: from received to completed, centred bars narrowing by
// stage, each with its number and share of the received.
func (d *doc) funnelChart() {
	stages := funnelStages(d.f.Funnel)
	const barH, gap, labelW = 7.0, 1.5, 40.0
	h := float64(len(stages))*(barH+gap) + 6
	d.subheading(d.t("Fra mottatt til avsluttet (søknader sendt inn i året)", "From received to completed (applications submitted in the year)"), h)
	received := d.f.Funnel.Received
	w := contentW - labelW - 36
	cx := margin + labelW + w/2
	y0 := d.pdf.GetY() + 1
	for i, s := range stages {
		y := y0 + float64(i)*(barH+gap)
		d.text(smallSize+0.5, 0)
		d.pdf.SetXY(margin, y)
		d.pdf.CellFormat(labelW-2, barH, s.label.In(d.lang), "", 0, "R", false, 0, "")
		bw := w * share(s.n, received)
		d.bar(cx-bw/2, y, bw, barH, 230-i*30)
		d.pdf.SetXY(margin+labelW+w+2, y)
		d.pdf.CellFormat(34, barH, count(s.n)+" ("+percent(share(s.n, received), d.lang)+")", "", 0, "L", false, 0, "")
	}
	d.pdf.SetY(y0 + float64(len(stages))*(barH+gap) + 5)
	d.text(bodySize, 0)
}

// processingChart: how many decisions took how long, vertical bars with
// a counted axis, and the median and 90th percentile below.
func (d *doc) processingChart() {
	p := d.f.Processing
	const plotH, axisW = 45.0, 14.0
	d.subheading(d.t("Behandlingstid fra innsending til første vedtak", "Processing time from submission to first decision"), plotH+22)
	labels := bucketLabels(d.lang)
	most := 0
	for _, n := range p.Buckets {
		most = max(most, n)
	}
	step := math.Max(1, math.Round(niceStep(float64(most), 4)))
	top := math.Max(step, math.Ceil(float64(most)/step)*step)
	x0, y0 := margin+axisW, d.pdf.GetY()+2
	w := contentW - axisW
	base := y0 + plotH
	d.text(smallSize, 60)
	for v := 0.0; v <= top+step/2; v += step {
		y := base - plotH*v/top
		d.gridLine(x0, y, x0+w, y)
		d.pdf.SetXY(margin, y-2)
		d.pdf.CellFormat(axisW-1.5, 4, number(int64(v)), "", 0, "R", false, 0, "")
	}
	slot := w / float64(len(p.Buckets))
	for i, n := range p.Buckets {
		x := x0 + float64(i)*slot + slot*0.15
		bh := plotH * float64(n) / top
		if n > 0 {
			d.bar(x, base-bh, slot*0.7, bh, 140)
		}
		d.text(smallSize, 0)
		d.pdf.SetXY(x, base-bh-4.5)
		d.pdf.CellFormat(slot*0.7, 4, count(n), "", 0, "C", false, 0, "")
		d.pdf.SetXY(x-slot*0.15, base+0.8)
		d.pdf.CellFormat(slot, 4, labels[i], "", 0, "C", false, 0, "")
	}
	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.SetLineWidth(0.3)
	d.pdf.Line(x0, base, x0+w, base)
	d.pdf.SetY(base + 5.5)
	d.text(smallSize+0.5, 60)
	d.pdf.SetX(margin)
	d.pdf.CellFormat(contentW, 4, d.t("Dager fra innsending til første vedtak. Median ", "Days from submission to first decision. Median ")+
		decimal(p.MedianDays, d.lang)+d.t(" dager, 90-persentil ", " days, 90th percentile ")+decimal(p.P90Days, d.lang)+
		d.t(" dager, ", " days, ")+count(p.Decided)+d.t(" avgjort.", " decided."), "", 1, "L", false, 0, "")
	d.text(bodySize, 0)
}
