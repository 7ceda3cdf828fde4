package model

import (
	"nyttig/internal/i18n"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// The annual summary's figures as the store sums them (package summary
// puts them together). Two cohorts make a year: the applications
// submitted in it (received, requested, scores, the funnel) and those
// whose latest decision was made in it (outcomes, granted, processing
// times, funded projects, benefits). Paid, clawed back and lapsed money
// is the ledger of the fund's frame for the year.

// SummaryCounts are the counts and amounts of one group of applications:
// the whole fund, one unit or one call.
type SummaryCounts struct {
	Received       int       `json:"received"`
	RequestedOre   money.Ore `json:"requested_ore"`
	Dismissed      int       `json:"dismissed"`
	Rejected       int       `json:"rejected"`
	GrantedFull    int       `json:"granted_full"`
	GrantedPartial int       `json:"granted_partial"`
	GrantedOre     money.Ore `json:"granted_ore"`
	PaidOre        money.Ore `json:"paid_ore"`
	ClawedBackOre  money.Ore `json:"clawed_back_ore"`
	LapsedOre      money.Ore `json:"lapsed_ore"`
}

// Granted is the number of applications granted in full or in part.
func (c SummaryCounts) Granted() int { return c.GrantedFull + c.GrantedPartial }

// Decided is the number of applications decided.
func (c SummaryCounts) Decided() int { return c.Granted() + c.Rejected + c.Dismissed }

// SummaryGroup is one unit's or one call's counts. For a unit Name is the
// unit (empty for applications that name none); for a call, its title.
type SummaryGroup struct {
	CallID int64  `json:"call_id,omitempty"`
	Name   string `json:"name"`
	SummaryCounts
}

// SummaryTotals are the fund's counts with its units and calls.
type SummaryTotals struct {
	All    SummaryCounts
	ByUnit []SummaryGroup
	ByCall []SummaryGroup
}

// ProcessingBuckets are the upper bounds, in whole days, of the
// processing-time distribution's bars; the last bar is everything longer.
var ProcessingBuckets = []int{14, 30, 60, 90, 180}

// ProcessingTimes is how long decisions took, from submission to the
// first decision, in days.
type ProcessingTimes struct {
	Decided    int     `json:"decided"`
	MedianDays float64 `json:"median_days"`
	P90Days    float64 `json:"p90_days"`
	// Buckets counts decisions per bar of ProcessingBuckets, plus one for
	// longer.
	Buckets []int `json:"buckets"`
}

// Funnel follows the applications received in a year: how many reached
// review, were granted, accepted, reported and completed, at any time.
type Funnel struct {
	Received    int `json:"received"`
	Reviewed    int `json:"reviewed"`
	Granted     int `json:"granted"`
	Accepted    int `json:"accepted"`
	FinalReport int `json:"final_report"`
	Completed   int `json:"completed"`
}

// CriterionScore is the mean score (1–5) of one rubric criterion over the
// submitted reviews of a year's applications; criteria of different calls
// with the same name count together.
type CriterionScore struct {
	Name    i18n.Text `json:"name"`
	Average float64   `json:"average"`
	Scores  int       `json:"scores"`
}

// Benefits sums the unit leaders' evaluations of the projects granted in
// a year: per KS category, how many rate the benefit 4 or 5 of 5.
type Benefits struct {
	Evaluations     int       `json:"evaluations"`
	Quality         int       `json:"quality"`
	Efficiency      int       `json:"efficiency"`
	AvoidedCosts    int       `json:"avoided_costs"`
	Employee        int       `json:"employee"`
	Citizen         int       `json:"citizen"`
	AvoidedCostsOre money.Ore `json:"avoided_costs_ore"`
	Continues       int       `json:"continues"`
	Nominated       int       `json:"nominated"`
}

// FundedProject is one application granted in the year, with where it
// stands and its approved final report's public summary.
type FundedProject struct {
	ApplicationID int64          `json:"application_id"`
	CaseNumber    string         `json:"case_number"`
	Title         string         `json:"title"`
	Unit          string         `json:"unit"`
	State         workflow.State `json:"state"`
	Partial       bool           `json:"partial"`
	GrantedOre    money.Ore      `json:"granted_ore"`
	PaidOre       money.Ore      `json:"paid_ore"`
	ReportSummary string         `json:"report_summary"`
}

// SummaryPrize is one of the committee's innovation prize decisions as
// the annual summary shows it.
type SummaryPrize struct {
	Rank          string `json:"rank"`
	ApplicationID int64  `json:"application_id"`
	CaseNumber    string `json:"case_number"`
	Title         string `json:"title"`
	Unit          string `json:"unit"`
	Citation      string `json:"citation"`
}
