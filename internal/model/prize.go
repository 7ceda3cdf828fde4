package model

import "nyttig/internal/money"

// The innovation prize: the committee's winner and honourable mentions
// among the completed projects their unit leaders nominated.

// Prize ranks: the year's one winner and its honourable mentions.
const (
	PrizeWinner  = "winner"
	PrizeMention = "mention"
)

// EventPrize names the history row of a prize decision on each project it
// names or no longer names.
const EventPrize = "prize_decided"

// PrizeAward is one project the committee picked, with its citation.
type PrizeAward struct {
	ApplicationID int64  `json:"application_id"`
	Rank          string `json:"rank"`
	Citation      string `json:"citation"`
}

// PrizePick is a project picked for the prize, with its citation.
type PrizePick struct {
	ApplicationID int64  `json:"application_id"`
	Citation      string `json:"citation"`
}

// PrizeInput is the committee's decision for a fund and year: one winner
// and any number of honourable mentions.
type PrizeInput struct {
	Winner   PrizePick   `json:"winner"`
	Mentions []PrizePick `json:"mentions"`
}

// Prize is a fund's prize decision for a year.
type Prize struct {
	FundID int64        `json:"fund_id"`
	Year   int          `json:"year"`
	Awards []PrizeAward `json:"awards"`
}

// Nominee is a completed project its unit leader nominated for the prize,
// decided in the fund and year, with the leader's evaluation and any
// award already made.
type Nominee struct {
	ApplicationID      int64      `json:"application_id"`
	CaseNumber         string     `json:"case_number"`
	Title              string     `json:"title"`
	Unit               string     `json:"unit"`
	AmountOre          money.Ore  `json:"amount_ore"`
	FinalReportSummary string     `json:"final_report_summary"`
	Evaluation         Evaluation `json:"evaluation"`
	Rank               string     `json:"rank"`
	Citation           string     `json:"citation"`
}
