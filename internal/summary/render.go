package summary

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"nyttig/internal/i18n"
)

// Format is one of the summary's three forms.
type Format string

const (
	FormatPDF  Format = "pdf"
	FormatCSV  Format = "csv"
	FormatJSON Format = "json"
)

// Formats lists the forms, the PDF first.
var Formats = []Format{FormatPDF, FormatCSV, FormatJSON}

// ParseFormat reads a format's name; empty means PDF.
func ParseFormat(s string) (Format, bool) {
	switch Format(strings.ToLower(strings.TrimSpace(s))) {
	case "", FormatPDF:
		return FormatPDF, true
	case FormatCSV:
		return FormatCSV, true
	case FormatJSON:
		return FormatJSON, true
	}
	return "", false
}

// ContentType is the format's media type.
func (f Format) ContentType() string {
	switch f {
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatJSON:
		return "application/json; charset=utf-8"
	}
	return "application/pdf"
}

// Render writes f in format and lang (JSON has no language).
func Render(f Figures, format Format, lang i18n.Lang) ([]byte, error) {
	switch format {
	case FormatCSV:
		return CSV(f, lang), nil
	case FormatJSON:
		return JSON(f)
	}
	var b bytes.Buffer
	err := PDF(&b, f, lang)
	return b.Bytes(), err
}

// FileName is the download's name: arsoversikt-<fund>-<year>.<format>,
// the fund's name in lower-case ASCII letters and digits.
func FileName(f Figures, format Format) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(f.Fund) {
		switch r {
		case 'æ':
			r = 'e'
		case 'ø':
			r = 'o'
		case 'å':
			r = 'a'
		}
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	name := b.String()
	if len(name) > 60 {
		name = strings.TrimRight(name[:60], "-")
	}
	if name == "" {
		name = "fond-" + strconv.FormatInt(f.FundID, 10)
	}
	return "arsoversikt-" + name + "-" + strconv.Itoa(f.Year) + "." + string(format)
}
