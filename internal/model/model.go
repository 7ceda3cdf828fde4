// Package model owns Nyttig's domain types — users, funds, calls,
// applications and their history — and the validation of what a person
// may write into them.
package model

import (
	"time"

	"nyttig/internal/i18n"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// User is a person who logs in to Nyttig.
type User struct {
	ID       int64           `json:"id"`
	Email    string          `json:"email"`
	Name     string          `json:"name"`
	Unit     string          `json:"unit"`
	Language i18n.Lang       `json:"language"`
	Roles    []workflow.Role `json:"roles"`
	// LeaderID is the user's leader, for the own-leader conflict rule.
	LeaderID *int64 `json:"leader_id"`
}

// Has reports whether the user holds role r.
func (u User) Has(r workflow.Role) bool {
	for _, have := range u.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// IsStaff reports whether the user works on other people's applications.
func (u User) IsStaff() bool {
	return u.Has(workflow.CaseOfficer) || u.Has(workflow.Admin) || u.Has(workflow.DecisionMaker)
}

// Fund is an innovation fund with a yearly frame.
type Fund struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Municipality string `json:"municipality"`
}

// Call is an invitation to apply, open between OpensAt and ClosesAt.
type Call struct {
	ID           int64     `json:"id"`
	FundID       int64     `json:"fund_id"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	OpensAt      time.Time `json:"opens_at"`
	ClosesAt     time.Time `json:"closes_at"`
	MaxAmountOre money.Ore `json:"max_amount_ore"`
	// BudgetYear is the year of the fund's frame the call's grants draw
	// on; by default the year the call opens (in Oslo).
	BudgetYear int `json:"budget_year"`
	// How review is run: reviewers per application, their deadline,
	// whether reviewers see who applied, and how far apart (in tenths of a
	// point) their weighted totals may be before they count as disagreeing.
	ReviewersPerApplication  int        `json:"reviewers_per_application"`
	ReviewDeadline           *time.Time `json:"review_deadline"`
	BlindReview              bool       `json:"blind_review"`
	DisagreementMarginTenths int        `json:"disagreement_margin_tenths"`
	// After a grant: days to accept it, months after the project's end
	// that the final report is due, and the default payout plan.
	AcceptanceDays int       `json:"acceptance_days"`
	ReportMonths   int       `json:"report_months"`
	PayoutPlan     []Tranche `json:"payout_plan"`
	// ExternalRecipients lets applications name a recipient outside the
	// municipality (organisation and account number) instead of a unit's
	// cost centre.
	ExternalRecipients bool `json:"external_recipients"`
}

// DisagreementMargin is the margin in points on the 1–5 scale.
func (c Call) DisagreementMargin() float64 { return float64(c.DisagreementMarginTenths) / 10 }

// OpenAt reports whether the call takes submissions at t.
func (c Call) OpenAt(t time.Time) bool { return !t.Before(c.OpensAt) && t.Before(c.ClosesAt) }

// BudgetLine is one line of an application's budget.
type BudgetLine struct {
	Category    string    `json:"category"`
	Description string    `json:"description"`
	AmountOre   money.Ore `json:"amount_ore"`
}

// ApplicationFields are the parts of an application its project lead writes.
type ApplicationFields struct {
	CallID             int64        `json:"call_id"`
	Title              string       `json:"title"`
	Summary            string       `json:"summary"`
	Need               string       `json:"need"`
	Solution           string       `json:"solution"`
	AdoptionPlan       string       `json:"adoption_plan"`
	ExpectedBenefits   string       `json:"expected_benefits"`
	BudgetLines        []BudgetLine `json:"budget_lines"`
	OwnContributionOre money.Ore    `json:"own_contribution_ore"`
	RequestedAmountOre money.Ore    `json:"requested_amount_ore"`
	Unit               string       `json:"unit"`
	Partners           []string     `json:"partners"`
	StartDate          string       `json:"start_date"`
	EndDate            string       `json:"end_date"`
	// Recipient is where the money goes if the application is granted.
	Recipient
}

// Application is an application for money from a call.
type Application struct {
	ID          int64          `json:"id"`
	CaseNumber  string         `json:"case_number"`
	ApplicantID int64          `json:"applicant_id"`
	State       workflow.State `json:"state"`
	Version     int            `json:"version"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	SubmittedAt *time.Time     `json:"submitted_at"`
	ApplicationFields
}

// Editable reports whether the project lead may still change the application.
func (a Application) Editable() bool {
	return a.State == workflow.Draft || a.State == workflow.Returned
}

// HistoryEntry is one row of an application's append-only history.
type HistoryEntry struct {
	ID int64 `json:"id"`
	// Version is the application version the event produced; nil for an
	// event that changed nothing of the application (a download).
	Version   *int      `json:"version"`
	ActorID   *int64    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	Event     string    `json:"event"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Comment   string    `json:"comment"`
	RequestID string    `json:"request_id"`
	At        time.Time `json:"at"`
}

// History event names for changes that are not lifecycle transitions.
const (
	EventCreated           = "create"
	EventEdited            = "edit"
	EventAttachmentAdded   = "attachment_added"
	EventAttachmentDeleted = "attachment_deleted"
	EventAttachmentRead    = "attachment_downloaded"
	// EventRecipientChanged is a case officer's change of the recipient
	// details; EventPayoutPlanAdjusted their adjustment of the payout plan.
	EventRecipientChanged   = "recipient_changed"
	EventPayoutPlanAdjusted = "payout_plan_adjusted"
)

// Attachment is a file attached to an application, stored in object
// storage under ObjectKey.
type Attachment struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	ObjectKey     string    `json:"-"`
	Name          string    `json:"name"`
	ContentType   string    `json:"content_type"`
	Size          int64     `json:"size"`
	SHA256        string    `json:"sha256"`
	UploadedBy    int64     `json:"uploaded_by"`
	UploaderName  string    `json:"uploaded_by_name"`
	CreatedAt     time.Time `json:"created_at"`
}

// ApplicationFilter narrows a list of applications.
type ApplicationFilter struct {
	ApplicantID int64 // 0: everyone's
	State       workflow.State
	CallID      int64
	Limit       int
	// AfterID continues a list from the last id of the previous page
	// (lists are newest first).
	AfterID int64
	// Query searches titles and summaries in Norwegian (PostgreSQL's
	// norwegian text search: "tilsyn" finds "tilsynet"), with web search
	// syntax: words, "a phrase", -not, or.
	Query string
}

// ProvisionalReplyDue reports whether an application submitted more than a
// month ago still awaits a decision at now: the applicant is then owed a
// provisional reply (forvaltningsloven § 11a).
func (a Application) ProvisionalReplyDue(now time.Time) bool {
	if a.SubmittedAt == nil {
		return false
	}
	switch a.State {
	case workflow.Submitted, workflow.Returned, workflow.InReview, workflow.Recommended, workflow.Appealed:
		return now.After(a.SubmittedAt.AddDate(0, 1, 0))
	}
	return false
}
