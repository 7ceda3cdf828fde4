package letter

import (
	"math"
	"strconv"
)

// header runs at the start of every page: the watermark first, so the text
// is drawn over it, then on later pages a running head.
func (l *layout) header() {
	if l.d.Draft {
		l.watermark()
	}
	if l.pdf.PageNo() > 1 {
		l.runningHead()
	}
	l.resumeWeight()
}

// watermark writes the template's draft word across the page diagonal in
// light grey. Grey ink rather than transparency keeps the page free of
// transparency groups, which PDF/A-1 forbids.
func (l *layout) watermark() {
	pdf := l.pdf
	text := l.line(l.tx.Watermark)
	size := 110.0
	pdf.SetFont(family, "", size)
	const room = 230.0 // of the 364 mm diagonal, leaving the corners clear
	if w := pdf.GetStringWidth(text); w > room {
		size *= room / w
		pdf.SetFontSize(size)
	}
	w := pdf.GetStringWidth(text)
	capHeight := size * 25.4 / 72 * 0.7
	angle := math.Atan2(pageH, pageW) * 180 / math.Pi // counter-clockwise: the word rises to the right
	pdf.SetTextColor(220, 220, 220)
	pdf.TransformBegin()
	pdf.TransformRotate(angle, pageW/2, pageH/2)
	pdf.Text(pageW/2-w/2, pageH/2+capHeight/2, text)
	pdf.TransformEnd()
	pdf.SetTextColor(0, 0, 0)
}

// runningHead names the sender and the case at the top of later pages.
func (l *layout) runningHead() {
	pdf := l.pdf
	pdf.SetFont(family, "", smallSize)
	pdf.SetTextColor(90, 90, 90)
	ref := l.line(l.tx.OurRefLabel) + " " + l.vals[phCaseNumber]
	refW := pdf.GetStringWidth(ref) + 2
	pdf.SetXY(marginLeft, 10)
	pdf.CellFormat(textW-refW, 4, l.fit(l.vals[phMunicipality]+" · "+l.vals[phFund], textW-refW-4), "", 0, "L", false, 0, "")
	pdf.CellFormat(refW, 4, ref, "", 0, "R", false, 0, "")
	pdf.SetDrawColor(200, 200, 200)
	pdf.Line(marginLeft, 15, pageW-marginRight, 15)
	pdf.SetTextColor(0, 0, 0)
}

// footer numbers the page: "Side 1 av 2". The count is filled in when the
// document closes, so the line is centred, where the different widths of
// the alias and the number barely show.
func (l *layout) footer() {
	pdf := l.pdf
	l.plainFooterWeight()
	l.vals[phPage] = strconv.Itoa(pdf.PageNo())
	l.vals[phPages] = pagesAlias
	pdf.SetY(-14)
	pdf.SetFont(family, "", smallSize)
	pdf.SetTextColor(90, 90, 90)
	// Cleaned before expanding: the cleaner would turn the alias into "??".
	pdf.CellFormat(0, 4, expand(l.fonts.clean(l.tx.PageOf, false), l.vals), "", 0, "C", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
}

// fit shortens s with an ellipsis until it is at most w wide in the current
// font, for the one-line cells of the running head.
func (l *layout) fit(s string, w float64) string {
	if l.pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && l.pdf.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// letterhead draws the top of the first page: logo, municipality and fund,
// the addressee on the left and the reference and date on the right.
func (l *layout) letterhead() {
	pdf := l.pdf
	x, top := marginLeft, 15.0
	logoBottom := top
	if len(l.d.Logo) > 0 {
		w, h := l.logo(x, top)
		x += w + 5
		logoBottom = top + h
	}
	pdf.SetXY(x, top+1)
	l.setFont(true, titleSize)
	pdf.MultiCell(pageW-marginRight-x, 6, l.vals[phMunicipality], "", "L", false)
	pdf.SetX(x)
	l.setFont(false, headingSize)
	pdf.MultiCell(pageW-marginRight-x, 5.5, l.vals[phFund], "", "L", false)
	y := math.Max(pdf.GetY(), logoBottom) + 9

	const rightX, rightW = 135.0, pageW - marginRight - 135.0
	l.setFont(false, bodySize)
	pdf.SetXY(rightX, y)
	pdf.MultiCell(rightW, lineH, l.line(l.tx.OurRefLabel)+": "+l.vals[phCaseNumber], "", "L", false)
	pdf.SetX(rightX)
	pdf.MultiCell(rightW, lineH, l.line(l.tx.DateLabel)+": "+l.vals[phDate], "", "L", false)
	rightBottom := pdf.GetY()

	const leftW = rightX - marginLeft - 5
	pdf.SetXY(marginLeft, y)
	pdf.MultiCell(leftW, lineH, l.vals[phAddressee], "", "L", false)
	if l.vals[phUnit] != "" {
		pdf.MultiCell(leftW, lineH, l.vals[phUnit], "", "L", false)
	}
	pdf.MultiCell(leftW, lineH, l.vals[phMunicipality], "", "L", false)
	pdf.SetY(math.Max(pdf.GetY(), rightBottom) + 9)
}
