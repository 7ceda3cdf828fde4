package letter

import (
	"math"
	"strings"
)

// ensure starts a new page unless h millimetres are left above the bottom
// margin, so a heading stays with its text and a table row stays whole.
func (l *layout) ensure(h float64) {
	if l.pdf.GetY()+h > pageH-marginBottom {
		l.pdf.AddPage()
	}
}

// heading starts a section, with two lines of room for what follows.
func (l *layout) heading(s string) {
	l.ensure(3 + 5.5 + 2*lineH)
	l.pdf.Ln(3)
	l.setFont(true, headingSize)
	l.pdf.MultiCell(textW, 5.5, l.line(s), "", "L", false)
	l.setFont(false, bodySize)
}

// subheading names a part of a section.
func (l *layout) subheading(s string) {
	l.ensure(1 + 2*lineH)
	l.pdf.Ln(1)
	l.setFont(true, bodySize)
	l.pdf.MultiCell(textW, lineH, l.line(s), "", "L", false)
	l.setFont(false, bodySize)
}

// para draws finished text: a blank line separates paragraphs and a line
// starting with "- " or "• " is a bullet with a hanging indent. Long words
// are broken where they meet the margin.
func (l *layout) para(s string) {
	pdf := l.pdf
	l.setFont(false, bodySize)
	gap := false
	for _, ln := range strings.Split(strings.TrimSpace(s), "\n") {
		ln = strings.TrimRight(ln, " ")
		if strings.TrimSpace(ln) == "" {
			gap = true
			continue
		}
		if gap {
			pdf.Ln(1.5)
			gap = false
		}
		if item, ok := bullet(ln); ok {
			const indent = 5.0
			l.ensure(lineH)
			pdf.SetX(marginLeft)
			pdf.CellFormat(indent, lineH, "•", "", 0, "C", false, 0, "")
			pdf.SetX(marginLeft + indent)
			pdf.MultiCell(textW-indent, lineH, item, "", "L", false)
			continue
		}
		pdf.SetX(marginLeft)
		pdf.MultiCell(textW, lineH, ln, "", "L", false)
	}
	pdf.Ln(1.5)
}

// bullet reports whether ln is a list item, and its text.
func bullet(ln string) (string, bool) {
	t := strings.TrimLeft(ln, " ")
	for _, mark := range []string{"- ", "• "} {
		if rest, ok := strings.CutPrefix(t, mark); ok && strings.TrimSpace(rest) != "" {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// cell is one cell of a table row: finished text, width and alignment.
type cell struct {
	text  string
	w     float64
	align string
	bold  bool
}

// row draws a table row whose cells wrap independently, kept on one page,
// with a hairline below.
func (l *layout) row(cells ...cell) {
	pdf := l.pdf
	lines := 1
	pdf.SetFont(family, "", bodySize) // stroking adds no width
	for _, c := range cells {
		lines = max(lines, len(pdf.SplitText(c.text, c.w)))
	}
	l.ensure(float64(lines)*lineH + 1)
	y0, bottom, x := pdf.GetY(), pdf.GetY(), marginLeft
	for _, c := range cells {
		l.setFont(c.bold, bodySize)
		pdf.SetXY(x, y0)
		pdf.MultiCell(c.w, lineH, c.text, "", c.align, false)
		bottom = math.Max(bottom, pdf.GetY())
		x += c.w
	}
	l.setFont(false, bodySize)
	pdf.SetDrawColor(190, 190, 190)
	pdf.SetLineWidth(0.2)
	pdf.Line(marginLeft, bottom+0.5, x, bottom+0.5)
	pdf.SetY(bottom + 1)
}
