package model

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"nyttig/internal/i18n"
	"nyttig/internal/money"
)

// Recipient is where a grant's money goes. An internal grant moves money
// between units: the recipient unit's cost centre (kostnadssted) and
// project number. An external recipient, where the call allows one, is an
// organisation with its organisation number and bank account.
type Recipient struct {
	CostCentre    string `json:"cost_centre"`
	ProjectNumber string `json:"project_number"`
	OrgNumber     string `json:"org_number"`
	AccountNumber string `json:"account_number"`
}

// MaxCode is the longest cost centre or project number.
const MaxCode = 30

// External reports whether the recipient is outside the municipality.
func (r Recipient) External() bool { return r.OrgNumber != "" || r.AccountNumber != "" }

// Normalise trims the codes and removes the spaces and dots people write
// in organisation and account numbers ("974 760 673", "8601.11.17947").
func (r *Recipient) Normalise() {
	digits := strings.NewReplacer(" ", "", ".", "", "\u00a0", "")
	r.CostCentre = strings.TrimSpace(r.CostCentre)
	r.ProjectNumber = strings.TrimSpace(r.ProjectNumber)
	r.OrgNumber = digits.Replace(strings.TrimSpace(r.OrgNumber))
	r.AccountNumber = digits.Replace(strings.TrimSpace(r.AccountNumber))
}

var (
	msgOrgNumber = i18n.T("Organisasjonsnummeret er ikke gyldig: det har 9 siffer, og det siste er et kontrollsiffer.",
		"The organisation number is not valid: it has 9 digits, the last a check digit.")
	msgAccountNumber = i18n.T("Kontonummeret er ikke gyldig: det har 11 siffer, og det siste er et kontrollsiffer.",
		"The account number is not valid: it has 11 digits, the last a check digit.")
)

// check adds an error for each recipient value that is malformed; empty
// values are not errors here (see Missing).
func (r Recipient) check(fe FieldErrors) {
	for _, c := range []struct{ name, v string }{{"cost_centre", r.CostCentre}, {"project_number", r.ProjectNumber}} {
		switch {
		case !ValidText(c.v):
			fe.add(c.name, msgBadChars)
		case utf8.RuneCountInString(c.v) > MaxCode:
			fe.add(c.name, tooLong(MaxCode))
		}
	}
	if r.OrgNumber != "" && !ValidOrgNumber(r.OrgNumber) {
		fe.add("org_number", msgOrgNumber)
	}
	if r.AccountNumber != "" && !ValidAccountNumber(r.AccountNumber) {
		fe.add("account_number", msgAccountNumber)
	}
}

// Check validates the recipient's values.
func (r Recipient) Check() FieldErrors {
	fe := FieldErrors{}
	r.check(fe)
	return fe
}

// Missing says what a payout to r still lacks: an internal recipient needs
// a cost centre and a project number; an external one, which only a call
// with externalAllowed takes, an organisation number and an account number.
func (r Recipient) Missing(externalAllowed bool) FieldErrors {
	fe := r.Check()
	if !r.External() {
		if r.CostCentre == "" {
			fe.add("cost_centre", i18n.T("Oppgi mottakerenhetens kostnadssted.", "Give the receiving unit's cost centre."))
		}
		if r.ProjectNumber == "" {
			fe.add("project_number", i18n.T("Oppgi prosjektnummeret.", "Give the project number."))
		}
		return fe
	}
	if !externalAllowed {
		fe.add("org_number", msgNoExternal)
	}
	if r.CostCentre != "" || r.ProjectNumber != "" {
		fe.add("cost_centre", i18n.T("Oppgi enten kostnadssted og prosjektnummer (intern mottaker) eller organisasjons- og kontonummer (ekstern mottaker), ikke begge.",
			"Give either a cost centre and project number (internal recipient) or an organisation and account number (external recipient), not both."))
	}
	if r.OrgNumber == "" {
		fe.add("org_number", msgRequired)
	}
	if r.AccountNumber == "" {
		fe.add("account_number", msgRequired)
	}
	return fe
}

var msgNoExternal = i18n.T("Utlysningen tillater ikke eksterne mottakere.", "The call does not allow external recipients.")

// mod11 returns the check digit of digits under weights (the Norwegian
// modulus 11 scheme), and false when none exists (a remainder of 1).
func mod11(digits string, weights []int) (byte, bool) {
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	switch r := 11 - sum%11; r {
	case 11:
		return '0', true
	case 10:
		return 0, false
	default:
		return byte('0' + r), true
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidOrgNumber reports whether s is a Norwegian organisation number:
// nine digits whose last is the modulus 11 check digit of the rest
// (weights 3 2 7 6 5 4 3 2).
func ValidOrgNumber(s string) bool {
	if len(s) != 9 || !allDigits(s) {
		return false
	}
	c, ok := mod11(s, []int{3, 2, 7, 6, 5, 4, 3, 2})
	return ok && c == s[8]
}

// ValidAccountNumber reports whether s is a Norwegian bank account number:
// eleven digits whose last is the modulus 11 check digit of the rest
// (weights 5 4 3 2 7 6 5 4 3 2).
func ValidAccountNumber(s string) bool {
	if len(s) != 11 || !allDigits(s) {
		return false
	}
	c, ok := mod11(s, []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})
	return ok && c == s[10]
}

// PlanTranche is one tranche of an application's own payout plan: the case
// officer's adjustment of the call's default before acceptance.
type PlanTranche struct {
	AmountOre money.Ore `json:"amount_ore"`
	Condition string    `json:"condition"`
	// DueDate (YYYY-MM-DD) is set for, and only for, an on_date tranche.
	DueDate string `json:"due_date"`
}

// MaxTranches is the most tranches a payout plan may have.
const MaxTranches = 12

// CheckPlan validates a payout plan against the amount granted: each
// tranche positive with a known condition (and a date when on_date), and
// together exactly the grant.
func CheckPlan(plan []PlanTranche, granted money.Ore) FieldErrors {
	fe := FieldErrors{}
	if len(plan) == 0 || len(plan) > MaxTranches {
		fe.add("tranches", i18n.Tf("Planen må ha mellom 1 og %d utbetalinger.", "The plan needs between 1 and %d payouts.", MaxTranches))
		return fe
	}
	var sum money.Ore
	for i, t := range plan {
		field := fmt.Sprintf("tranches[%d]", i)
		if t.AmountOre <= 0 {
			fe.add(field+".amount_ore", i18n.T("Beløpet må være positivt.", "The amount must be positive."))
		}
		sum += t.AmountOre
		switch t.Condition {
		case OnAcceptance, OnFinalReport:
			if t.DueDate != "" {
				fe.add(field+".due_date", i18n.T("Bare en utbetaling på en dato har en dato.", "Only a payout on a date has a date."))
			}
		case OnDate:
			if _, ok := ParseDate(t.DueDate); !ok {
				fe.add(field+".due_date", msgDate)
			}
		default:
			fe.add(field+".condition", i18n.T("Velg når utbetalingen skal skje.", "Choose when the payout is made."))
		}
	}
	if sum != granted && len(fe) == 0 {
		fe.add("tranches", i18n.Tf("Utbetalingene er til sammen %s, men tilskuddet er %s.",
			"The payouts total %s, but the grant is %s.", sum.String(), granted.String()))
	}
	return fe
}

// SharePercent is a tranche's share of the grant, rounded to a whole
// percent, and at least 1 % for any amount at all.
func SharePercent(amount, granted money.Ore) int {
	if granted <= 0 || amount <= 0 {
		return 0
	}
	return min(100, max(1, int((int64(amount)*100+int64(granted)/2)/int64(granted))))
}

// PayoutItem is a tranche in a finance queue, with the case it belongs to.
type PayoutItem struct {
	Payout
	CaseNumber string `json:"case_number"`
	Title      string `json:"title"`
}

// Clawback is a demand for repayment (krav om tilbakebetaling) of money
// paid out on an application, and how finance resolved it.
type Clawback struct {
	ID            int64      `json:"id"`
	ApplicationID int64      `json:"application_id"`
	AmountOre     money.Ore  `json:"amount_ore"`
	Reason        string     `json:"reason"`
	State         string     `json:"state"`
	Version       int        `json:"version"`
	RaisedBy      int64      `json:"raised_by"`
	RaisedAt      time.Time  `json:"raised_at"`
	ResolvedBy    *int64     `json:"resolved_by"`
	ResolvedAt    *time.Time `json:"resolved_at"`
	ERPReference  string     `json:"erp_reference"`
	RepaidOn      string     `json:"repaid_on"`
}
