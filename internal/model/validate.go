package model

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"nyttig/internal/i18n"
	"nyttig/internal/money"
)

// Limits on what a person may write, so one application cannot fill a page
// of a letter with a single field or the database with a novel.
const (
	MaxTitle       = 200
	MaxText        = 10000
	MaxUnit        = 200
	MaxBudgetLines = 50
	MaxPartners    = 30
	MaxPartnerName = 200
	MaxAmount      = money.Ore(1_000_000_000_00) // 1 000 000 000 kr
)

// FieldErrors maps a JSON field name to a message.
type FieldErrors map[string]i18n.Text

func (fe FieldErrors) add(field string, t i18n.Text) {
	if _, ok := fe[field]; !ok {
		fe[field] = t
	}
}

var (
	msgRequired = i18n.T("Må fylles ut.", "Required.")
	msgNegative = i18n.T("Beløpet kan ikke være negativt.", "The amount cannot be negative.")
	msgDate     = i18n.T("Skriv datoen som ÅÅÅÅ-MM-DD.", "Write the date as YYYY-MM-DD.")
	msgBadChars = i18n.T("Inneholder ugyldige tegn.", "Contains invalid characters.")
)

func tooLong(max int) i18n.Text {
	return i18n.Tf("Kan ikke være lengre enn %d tegn.", "Cannot be longer than %d characters.", max)
}

// ParseDate reads a civil date written YYYY-MM-DD. Year 0 is refused:
// PostgreSQL has no such year.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil && t.Year() >= 1
}

// ValidText reports whether s can be stored as text: valid UTF-8 without
// NUL characters, which PostgreSQL refuses.
func ValidText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// Check validates what was written, field by field, without demanding
// completeness: a draft may be saved half done, but never with a bad value.
func (f ApplicationFields) Check() FieldErrors {
	fe := FieldErrors{}
	texts := []struct {
		name  string
		value string
		max   int
	}{
		{"title", f.Title, MaxTitle},
		{"summary", f.Summary, MaxText},
		{"need", f.Need, MaxText},
		{"solution", f.Solution, MaxText},
		{"adoption_plan", f.AdoptionPlan, MaxText},
		{"expected_benefits", f.ExpectedBenefits, MaxText},
		{"unit", f.Unit, MaxUnit},
	}
	for _, t := range texts {
		if !ValidText(t.value) {
			fe.add(t.name, msgBadChars)
		} else if utf8.RuneCountInString(t.value) > t.max {
			fe.add(t.name, tooLong(t.max))
		}
	}
	if f.CallID <= 0 {
		fe.add("call_id", i18n.T("Velg en utlysning.", "Choose a call."))
	}
	f.Recipient.check(fe)
	checkAmount(fe, "own_contribution_ore", f.OwnContributionOre)
	checkAmount(fe, "requested_amount_ore", f.RequestedAmountOre)
	if len(f.BudgetLines) > MaxBudgetLines {
		fe.add("budget_lines", i18n.Tf("Høyst %d budsjettlinjer.", "At most %d budget lines.", MaxBudgetLines))
	}
	for i, l := range f.BudgetLines {
		field := fmt.Sprintf("budget_lines[%d]", i)
		switch {
		case strings.TrimSpace(l.Category) == "":
			fe.add(field+".category", msgRequired)
		case !ValidText(l.Category):
			fe.add(field+".category", msgBadChars)
		case utf8.RuneCountInString(l.Category) > MaxTitle:
			fe.add(field+".category", tooLong(MaxTitle))
		}
		switch {
		case !ValidText(l.Description):
			fe.add(field+".description", msgBadChars)
		case utf8.RuneCountInString(l.Description) > MaxTitle:
			fe.add(field+".description", tooLong(MaxTitle))
		}
		checkAmount(fe, field+".amount_ore", l.AmountOre)
	}
	if len(f.Partners) > MaxPartners {
		fe.add("partners", i18n.Tf("Høyst %d partnere.", "At most %d partners.", MaxPartners))
	}
	for _, p := range f.Partners {
		if strings.TrimSpace(p) == "" || !ValidText(p) || utf8.RuneCountInString(p) > MaxPartnerName {
			fe.add("partners", i18n.Tf("Hver partner må ha et navn på høyst %d tegn.", "Each partner needs a name of at most %d characters.", MaxPartnerName))
		}
	}
	start, startOK := ParseDate(f.StartDate)
	end, endOK := ParseDate(f.EndDate)
	if f.StartDate != "" && !startOK {
		fe.add("start_date", msgDate)
	}
	if f.EndDate != "" && !endOK {
		fe.add("end_date", msgDate)
	}
	if startOK && endOK && end.Before(start) {
		fe.add("end_date", i18n.T("Sluttdatoen kan ikke være før startdatoen.", "The end date cannot be before the start date."))
	}
	return fe
}

func checkAmount(fe FieldErrors, field string, v money.Ore) {
	switch {
	case v < 0:
		fe.add(field, msgNegative)
	case v > MaxAmount:
		fe.add(field, i18n.T("Beløpet er urimelig stort.", "The amount is unreasonably large."))
	}
}

// Incomplete lists what must be fixed before the application can be
// submitted to call: every bad value (Check), every required field left
// empty, and budget arithmetic that does not add up.
func (f ApplicationFields) Incomplete(call Call) FieldErrors {
	fe := f.Check()
	required := []struct{ name, value string }{
		{"title", f.Title}, {"summary", f.Summary}, {"need", f.Need}, {"solution", f.Solution},
		{"adoption_plan", f.AdoptionPlan}, {"expected_benefits", f.ExpectedBenefits}, {"unit", f.Unit},
		{"start_date", f.StartDate}, {"end_date", f.EndDate},
	}
	for _, r := range required {
		if strings.TrimSpace(r.value) == "" {
			fe.add(r.name, msgRequired)
		}
	}
	if f.External() && !call.ExternalRecipients {
		fe.add("org_number", msgNoExternal)
	}
	switch {
	case f.RequestedAmountOre <= 0:
		fe.add("requested_amount_ore", i18n.T("Oppgi hvor mye dere søker om.", "State how much you apply for."))
	case f.RequestedAmountOre > call.MaxAmountOre:
		fe.add("requested_amount_ore", i18n.Tf("Utlysningen gir høyst %s.", "The call grants at most %s.", call.MaxAmountOre.String()))
	}
	if len(f.BudgetLines) == 0 {
		fe.add("budget_lines", i18n.T("Legg inn minst én budsjettlinje.", "Add at least one budget line."))
	} else {
		var total money.Ore
		for _, l := range f.BudgetLines {
			total += l.AmountOre
		}
		if want := f.RequestedAmountOre + f.OwnContributionOre; total != want {
			fe.add("budget_lines", i18n.Tf(
				"Budsjettet er på %s, men søkt beløp og egenandel er til sammen %s.",
				"The budget totals %s, but the amount applied for plus own contribution is %s.",
				total.String(), want.String()))
		}
	}
	return fe
}
