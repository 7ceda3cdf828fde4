package model

import (
	"time"

	"nyttig/internal/money"
)

// Letter is a stored decision letter: one version, frozen once written.
type Letter struct {
	ID            int64      `json:"id"`
	ApplicationID int64      `json:"application_id"`
	DecisionID    *int64     `json:"decision_id"`
	Version       int        `json:"version"`
	Language      string     `json:"language"`
	ObjectKey     string     `json:"-"`
	SHA256        string     `json:"sha256"`
	Size          int64      `json:"size"`
	CreatedAt     time.Time  `json:"created_at"`
	FirstOpenedAt *time.Time `json:"first_opened_at"`
}

// Tranche is one share of a grant in a call's default payout plan.
type Tranche struct {
	SharePercent int    `json:"share_percent"`
	Condition    string `json:"condition"`
}

// Payout conditions: when a tranche becomes due.
const (
	OnAcceptance  = "on_acceptance"
	OnFinalReport = "on_final_report"
	OnDate        = "on_date"
)

// DefaultPayoutPlan pays 75 % on acceptance and 25 % when the final report
// is approved.
var DefaultPayoutPlan = []Tranche{{SharePercent: 75, Condition: OnAcceptance}, {SharePercent: 25, Condition: OnFinalReport}}

// Payout is one tranche of an accepted grant's payout plan, and where it
// is on its way to the recipient (workflow.Payout's states).
type Payout struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	Position      int       `json:"position"`
	SharePercent  int       `json:"share_percent"`
	AmountOre     money.Ore `json:"amount_ore"`
	Condition     string    `json:"condition"`
	State         string    `json:"state"`
	// DueDate (YYYY-MM-DD) is the date of an on_date tranche, else "".
	DueDate string `json:"due_date"`
	Version int    `json:"version"`
	// Recipient is the recipient as attested: a later change of the
	// application's details does not redirect an attested payment.
	Recipient    *Recipient `json:"recipient"`
	AttestedBy   *int64     `json:"attested_by"`
	AttestedAt   *time.Time `json:"attested_at"`
	AuthorisedBy *int64     `json:"authorised_by"`
	AuthorisedAt *time.Time `json:"authorised_at"`
	// ERPReference and PaidOn (YYYY-MM-DD) record the payment in the ERP
	// system; set when the tranche is paid.
	ERPReference string    `json:"erp_reference"`
	PaidOn       string    `json:"paid_on"`
	UpdatedAt    time.Time `json:"updated_at"`
}
