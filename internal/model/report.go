package model

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"nyttig/internal/i18n"
	"nyttig/internal/money"
)

// Report kinds: progress reports on the call's schedule, and the one final
// report (sluttrapport) whose approval releases the held-back tranche.
const (
	ReportProgress = "progress"
	ReportFinal    = "final"
)

// EventEvaluation names the application history row of the unit leader's
// evaluation; it changes nothing of the application's state.
const EventEvaluation = "evaluation_submitted"

// Spending is what was spent on one of the application's budget lines,
// named by its position in the list.
type Spending struct {
	BudgetLine int       `json:"budget_line"`
	AmountOre  money.Ore `json:"amount_ore"`
}

// ReportContent is what the project lead writes in a report.
type ReportContent struct {
	WorkDone string     `json:"work_done"`
	Results  string     `json:"results"`
	InUse    string     `json:"in_use"`
	Spread   string     `json:"spread"`
	Lessons  string     `json:"lessons"`
	Spending []Spending `json:"spending"`
	// Summary is the final report's public summary: two or three sentences
	// for the annual summary and the public project pages.
	Summary string `json:"summary"`
}

// Report is a progress or final report of an accepted grant.
type Report struct {
	ID            int64  `json:"id"`
	ApplicationID int64  `json:"application_id"`
	Kind          string `json:"kind"`
	DueDate       string `json:"due_date"`
	State         string `json:"state"`
	ReportContent
	Version     int        `json:"version"`
	SubmittedAt *time.Time `json:"submitted_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	// Overdue is true while the report is unsubmitted past its due date.
	Overdue bool `json:"overdue"`
}

// MaxReportText is the longest text of a report field.
const MaxReportText = 20000

// MaxReportSummary is the longest public summary of a final report.
const MaxReportSummary = 1000

// Check validates the content against the application's budget lines.
func (c ReportContent) Check(budgetLines int) FieldErrors {
	fe := FieldErrors{}
	for _, t := range []struct{ name, v string }{{"work_done", c.WorkDone}, {"results", c.Results},
		{"in_use", c.InUse}, {"spread", c.Spread}, {"lessons", c.Lessons}} {
		switch {
		case !ValidText(t.v):
			fe.add(t.name, msgBadChars)
		case utf8.RuneCountInString(t.v) > MaxReportText:
			fe.add(t.name, tooLong(MaxReportText))
		}
	}
	switch {
	case !ValidText(c.Summary):
		fe.add("summary", msgBadChars)
	case utf8.RuneCountInString(c.Summary) > MaxReportSummary:
		fe.add("summary", tooLong(MaxReportSummary))
	}
	seen := map[int]bool{}
	for i, s := range c.Spending {
		name := fmt.Sprintf("spending[%d]", i)
		switch {
		case s.BudgetLine < 0 || s.BudgetLine >= budgetLines:
			fe.add(name+".budget_line", i18n.T("Søknaden har ingen slik budsjettlinje.", "The application has no such budget line."))
		case seen[s.BudgetLine]:
			fe.add(name+".budget_line", i18n.T("Budsjettlinjen er oppgitt to ganger.", "The budget line is given twice."))
		case s.AmountOre < 0:
			fe.add(name+".amount_ore", i18n.T("Beløpet kan ikke være negativt.", "The amount cannot be negative."))
		}
		seen[s.BudgetLine] = true
	}
	return fe
}

// Missing names what a report must have before it is submitted.
func (c ReportContent) Missing() map[string]i18n.Text {
	fe := FieldErrors{}
	msg := i18n.T("Må fylles ut før rapporten leveres.", "Must be filled in before the report is submitted.")
	for _, t := range []struct{ name, v string }{{"work_done", c.WorkDone}, {"results", c.Results}} {
		if strings.TrimSpace(t.v) == "" {
			fe.add(t.name, msg)
		}
	}
	return fe
}

// Benefit is a rating (1–5) and a text for one benefit category.
type Benefit struct {
	Rating int    `json:"rating"`
	Text   string `json:"text"`
}

// EvaluationFields are what the unit leader writes at the project's end:
// one benefit per category of KS' innovation barometer, the costs avoided,
// whether the solution stays in operation, and whether to nominate the
// project for the municipality's innovation prize.
type EvaluationFields struct {
	Quality         Benefit   `json:"quality"`
	Efficiency      Benefit   `json:"efficiency"`
	AvoidedCosts    Benefit   `json:"avoided_costs"`
	AvoidedCostsOre money.Ore `json:"avoided_costs_ore"`
	Employee        Benefit   `json:"employee_satisfaction"`
	Citizen         Benefit   `json:"citizen_influence"`
	Continues       bool      `json:"continues"`
	Nominate        bool      `json:"nominate"`
}

// Evaluation is a stored evaluation.
type Evaluation struct {
	ApplicationID int64 `json:"application_id"`
	EvaluationFields
	AuthorID  int64     `json:"author_id"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MaxBenefitText is the longest text of a benefit category.
const MaxBenefitText = 5000

// Check validates an evaluation: every category rated 1–5.
func (f EvaluationFields) Check() FieldErrors {
	fe := FieldErrors{}
	for _, b := range []struct {
		name string
		b    Benefit
	}{{"quality", f.Quality}, {"efficiency", f.Efficiency}, {"avoided_costs", f.AvoidedCosts},
		{"employee_satisfaction", f.Employee}, {"citizen_influence", f.Citizen}} {
		if b.b.Rating < 1 || b.b.Rating > 5 {
			fe.add(b.name+".rating", i18n.T("Gi en vurdering fra 1 til 5.", "Give a rating from 1 to 5."))
		}
		switch {
		case !ValidText(b.b.Text):
			fe.add(b.name+".text", msgBadChars)
		case utf8.RuneCountInString(b.b.Text) > MaxBenefitText:
			fe.add(b.name+".text", tooLong(MaxBenefitText))
		}
	}
	if f.AvoidedCostsOre < 0 {
		fe.add("avoided_costs_ore", i18n.T("Beløpet kan ikke være negativt.", "The amount cannot be negative."))
	}
	return fe
}
