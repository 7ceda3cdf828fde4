package letter

// boldStroke is the outline width, as a share of the type size, that makes
// the regular face look bold: about what Go Bold adds to each stem.
const boldStroke = 0.03

// setFont selects the size, and the weight, of what is drawn next. Bold is
// the regular face filled and stroked in black (text rendering mode 2), so
// a letter embeds one font; text extraction and search are unaffected.
func (l *layout) setFont(bold bool, size float64) {
	pdf := l.pdf
	pdf.SetFont(family, "", size)
	switch {
	case bold:
		pdf.SetDrawColor(0, 0, 0)
		pdf.SetLineWidth(size * boldStroke * 25.4 / 72)
		pdf.SetTextRenderingMode(2)
	case l.bold:
		pdf.SetTextRenderingMode(0)
	}
	l.bold = bold
}

// resumeWeight restores the stroke on a new page, whose content starts
// with the default text rendering mode; fpdf restores the line width and
// colour itself.
func (l *layout) resumeWeight() {
	if l.bold {
		l.pdf.SetTextRenderingMode(2)
	}
}

// plainFooterWeight turns the stroke off for the footer, which is drawn
// when a page ends, possibly in the middle of bold text.
func (l *layout) plainFooterWeight() {
	if l.bold {
		l.pdf.SetTextRenderingMode(0)
	}
}
