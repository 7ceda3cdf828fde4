package summary

import (
	"strconv"
	"strings"
	"time"

	"nyttig/internal/i18n"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// nbsp groups thousands, so that a figure never breaks over two lines.
const nbsp = "\u00a0"

// kroner shows an amount in whole kroner, rounded, the Norwegian way:
// "1 250 000 kr" in bokmål, "NOK 1 250 000" in English.
func kroner(o money.Ore, lang i18n.Lang) string {
	n := number(roundKroner(o))
	if lang == i18n.EN {
		return "NOK" + nbsp + n
	}
	return n + nbsp + "kr"
}

// roundKroner rounds øre to whole kroner, halves away from zero.
func roundKroner(o money.Ore) int64 {
	if o < 0 {
		return -int64((-o + 50) / 100)
	}
	return int64((o + 50) / 100)
}

// number groups the digits of n in threes: "10 000".
func number(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(nbsp)
		}
		b.WriteRune(d)
	}
	return b.String()
}

func count(n int) string { return number(int64(n)) }

func itoa(n int) string { return strconv.Itoa(n) }

// decimal shows f with one decimal: "41,5" in bokmål, "41.5" in English.
func decimal(f float64, lang i18n.Lang) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if lang == i18n.EN {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}

// percent shows a share as "35,2 %" (bokmål) or "35.2%" (English).
func percent(share float64, lang i18n.Lang) string {
	if lang == i18n.EN {
		return decimal(share*100, lang) + "%"
	}
	return decimal(share*100, lang) + nbsp + "%"
}

// date shows t as 24.11.2026 in Oslo.
func date(t time.Time) string { return t.In(workflow.Oslo).Format("02.01.2006") }

// share is part over whole, 0 for an empty whole.
func share(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}
