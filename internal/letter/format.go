package letter

import (
	"time"
	_ "time/tzdata" // letters are dated in Europe/Oslo even on hosts without a zone database

	"nyttig/internal/i18n"
	"nyttig/internal/money"
)

// oslo is the time zone every date in a letter is shown in.
var oslo = mustLoadOslo()

func mustLoadOslo() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic("letter: time zone Europe/Oslo missing: " + err.Error())
	}
	return loc
}

// formatDate shows t as Norwegians write a date, 24.11.2026, in Oslo.
func formatDate(t time.Time) string { return t.In(oslo).Format("02.01.2006") }

// formatAmount shows an amount with no-break spaces between thousands:
// "kr 1 250 000" in bokmål, "NOK 1 250 000" in English.
func formatAmount(o money.Ore, lang i18n.Lang) string {
	if lang == i18n.EN {
		return "NOK\u00a0" + o.Number()
	}
	return "kr\u00a0" + o.Number()
}
