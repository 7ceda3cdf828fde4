package summary

import (
	"bytes"
	"encoding/json"
	"strings"

	"nyttig/internal/i18n"
)

// CSV writes f as one long table, UTF-8 without BOM, semicolons, CRLF, as
// Norwegian spreadsheets open it: a header line, then one line per
// figure with the columns section, group (the unit, call, criterion, prize
// rank or case number; empty for the fund), measure (a stable key), label
// (in lang) and value. Amounts are kroner with two decimals and a decimal
// comma (125000,00), shares and days a decimal comma; texts are quoted
// when they hold a separator, quote or line break.
func CSV(f Figures, lang i18n.Lang) []byte {
	var b bytes.Buffer
	line := func(cells ...string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteString(csvCell(c))
		}
		b.WriteString("\r\n")
	}
	line("section", "group", "measure", "label", "value")
	line("summary", "", "fund", tx(lang, "Fond", "Fund"), f.Fund)
	line("summary", "", "year", tx(lang, "År", "Year"), itoa(f.Year))
	line("summary", "", "generated", tx(lang, "Laget", "Generated"), date(f.GeneratedAt))
	for _, s := range sections(f) {
		for _, g := range s.groups {
			for _, m := range g.measures {
				line(s.key, g.name, m.key, m.label.In(lang), m.raw())
			}
		}
	}
	return b.Bytes()
}

func csvCell(s string) string {
	// A leading =, +, - or @ would be a formula to a spreadsheet.
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) && !isNumber(s) {
		s = "'" + s
	}
	if strings.ContainsAny(s, ";\"\r\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != ',' {
			return false
		}
	}
	return true
}

// JSON writes f as indented JSON: amounts in øre (the _ore fields), times
// in RFC 3339.
func JSON(f Figures) ([]byte, error) {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
