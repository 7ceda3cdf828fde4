// Package money owns the representation of Norwegian kroner: whole øre in an
// int64, never floating point, formatted the Norwegian way.
package money

import (
	"fmt"
	"strconv"
	"strings"
)

// Ore is an amount in øre (1/100 NOK).
type Ore int64

// FromKroner returns the amount of whole kroner in øre.
func FromKroner(kr int64) Ore { return Ore(kr * 100) }

// Kroner formats the amount as Norwegians write it: "kr 1 250 000" or
// "kr 1 250 000,50" when there are øre. Thousands are grouped with a
// no-break space so a figure never wraps.
func (o Ore) String() string { return "kr " + o.Number() }

// Number formats the amount without the currency: "1 250 000" or "12,50".
func (o Ore) Number() string {
	neg := o < 0
	v := int64(o)
	if neg {
		v = -v
	}
	kr, ore := v/100, v%100
	digits := strconv.FormatInt(kr, 10)
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(d)
	}
	if ore != 0 {
		b.WriteString(",")
		if ore < 10 {
			b.WriteString("0")
		}
		b.WriteString(strconv.FormatInt(ore, 10))
	}
	return b.String()
}

// ParseKroner reads an amount typed by a person in kroner: "1 250 000",
// "1250000,50", "1.250.000", "kr 12 500". It reports false when the text is
// not an amount.
func ParseKroner(s string) (Ore, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "kr"))
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(s)
	if s == "" {
		return 0, false
	}
	whole, frac := s, ""
	if i := strings.LastIndexAny(s, ","); i >= 0 {
		whole, frac = s[:i], s[i+1:]
	}
	whole = strings.ReplaceAll(whole, ".", "")
	if whole == "" || len(frac) > 2 || len(whole) > 15 {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	kr, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	ore := int64(0)
	if frac != "" {
		if len(frac) == 1 {
			frac += "0"
		}
		ore, _ = strconv.ParseInt(frac, 10, 64)
	}
	return Ore(kr*100 + ore), true
}

// Plain formats the amount for machines that read Norwegian numbers, as
// ERP imports do: kroner with a comma and always two decimals, no
// thousands separator and an ASCII minus: "1250000,00", "-12,50".
func (o Ore) Plain() string {
	v := int64(o)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + strconv.FormatInt(v/100, 10) + "," + fmt.Sprintf("%02d", v%100)
}
