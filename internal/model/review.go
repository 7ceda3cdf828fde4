package model

import (
	"math"
	"strings"
	"time"

	"nyttig/internal/i18n"
	"nyttig/internal/money"
)

// Criterion is one weighted criterion of a call's rubric, scored 1–5.
type Criterion struct {
	ID            int64  `json:"id"`
	CallID        int64  `json:"call_id"`
	Position      int    `json:"position"`
	NameNB        string `json:"name_nb"`
	NameEN        string `json:"name_en"`
	DescriptionNB string `json:"description_nb"`
	DescriptionEN string `json:"description_en"`
	Weight        int    `json:"weight"`
}

// Name is the criterion's name in lang.
func (c Criterion) Name(lang i18n.Lang) string { return i18n.T(c.NameNB, c.NameEN).In(lang) }

// The score scale of every criterion.
const (
	MinScore = 1
	MaxScore = 5
)

// DefaultRubric is the rubric a new call starts with (DOMAIN.md's criteria).
var DefaultRubric = []Criterion{
	{NameNB: "Nytte for innbyggere og brukere", NameEN: "Benefit for citizens and users", Weight: 20,
		DescriptionNB: "Hvor mye bedre blir tjenesten for dem den er til for?", DescriptionEN: "How much better does the service get for those it serves?"},
	{NameNB: "Nyhet", NameEN: "Novelty", Weight: 10,
		DescriptionNB: "Er løsningen ny for kommunen?", DescriptionEN: "Is the solution new to the municipality?"},
	{NameNB: "Gevinstpotensial og gevinstplan", NameEN: "Benefit potential and plan", Weight: 15,
		DescriptionNB: "Er gevinstene tydelige, målbare og planlagt realisert?", DescriptionEN: "Are the benefits clear, measurable and planned for?"},
	{NameNB: "Overføringsverdi", NameEN: "Transferability", Weight: 10,
		DescriptionNB: "Kan andre enheter ta løsningen i bruk?", DescriptionEN: "Can other units adopt the solution?"},
	{NameNB: "Gjennomførbarhet og lederforankring", NameEN: "Feasibility and leader backing", Weight: 15,
		DescriptionNB: "Er planen realistisk, og står lederen bak?", DescriptionEN: "Is the plan realistic, and does the leader back it?"},
	{NameNB: "Risiko og læring", NameEN: "Risk and learning", Weight: 5,
		DescriptionNB: "Er risikoen forstått, og hva lærer vi uansett utfall?", DescriptionEN: "Is the risk understood, and what do we learn whatever the outcome?"},
	{NameNB: "Kostnad og egeninnsats", NameEN: "Cost and own contribution", Weight: 10,
		DescriptionNB: "Står kostnaden i forhold til nytten, og bidrar enheten selv?", DescriptionEN: "Is the cost proportionate, and does the unit contribute?"},
	{NameNB: "Brukermedvirkning", NameEN: "User involvement", Weight: 10,
		DescriptionNB: "Er brukerne med i utviklingen?", DescriptionEN: "Are users involved in the development?"},
	{NameNB: "Ikke ordinær drift", NameEN: "Not ordinary operations", Weight: 5,
		DescriptionNB: "Er dette mer enn det enheten uansett skulle gjort?", DescriptionEN: "Is this more than the unit would do anyway?"},
}

// Review recommendations.
const (
	RecommendYes   = "yes"
	RecommendMaybe = "maybe"
	RecommendNo    = "no"
)

// Score is a reviewer's score and comment on one criterion.
type Score struct {
	CriterionID int64  `json:"criterion_id"`
	Score       int    `json:"score"`
	Comment     string `json:"comment"`
}

// Review is one version of a reviewer's assessment of an application.
type Review struct {
	ID             int64      `json:"id"`
	ApplicationID  int64      `json:"application_id"`
	ReviewerID     int64      `json:"reviewer_id"`
	ReviewerName   string     `json:"reviewer_name"`
	Version        int        `json:"version"`
	Recommendation string     `json:"recommendation"`
	Comment        string     `json:"comment"`
	Scores         []Score    `json:"scores"`
	SubmittedAt    *time.Time `json:"submitted_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// WeightedTotal is the review's weighted mean on the 1–5 scale, set
	// when the rubric is known; 0 while scores are missing.
	WeightedTotal float64 `json:"weighted_total"`
}

// Submitted reports whether the review is final.
func (r Review) Submitted() bool { return r.SubmittedAt != nil }

// Weighted returns the weighted mean of the scores over the rubric, and
// false when a criterion has no valid score yet.
func Weighted(rubric []Criterion, scores []Score) (float64, bool) {
	byID := map[int64]int{}
	for _, s := range scores {
		byID[s.CriterionID] = s.Score
	}
	sum, weights := 0, 0
	for _, c := range rubric {
		s, ok := byID[c.ID]
		if !ok || s < MinScore || s > MaxScore {
			return 0, false
		}
		sum += s * c.Weight
		weights += c.Weight
	}
	if weights == 0 {
		return 0, false
	}
	return round2(float64(sum) / float64(weights)), true
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// Aggregate summarises the submitted reviews of an application.
type Aggregate struct {
	Reviews  int     `json:"reviews"`
	Mean     float64 `json:"mean"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	Spread   float64 `json:"spread"`
	Disagree bool    `json:"disagree"`
}

// Summarise computes the aggregate of weighted totals; reviewers disagree
// when the spread exceeds margin (in points on the 1–5 scale).
func Summarise(totals []float64, margin float64) Aggregate {
	if len(totals) == 0 {
		return Aggregate{}
	}
	a := Aggregate{Reviews: len(totals), Min: totals[0], Max: totals[0]}
	sum := 0.0
	for _, t := range totals {
		sum += t
		a.Min = math.Min(a.Min, t)
		a.Max = math.Max(a.Max, t)
	}
	a.Mean = round2(sum / float64(len(totals)))
	a.Spread = round2(a.Max - a.Min)
	a.Disagree = a.Spread > margin+1e-9
	return a
}

// Reasons are the three parts of a decision's grounds (forvaltningsloven
// § 25): the rules applied, the facts, and the main considerations.
type Reasons struct {
	Rules          string `json:"rules"`
	Facts          string `json:"facts"`
	Considerations string `json:"considerations"`
}

// Missing names the parts left empty.
func (r Reasons) Missing() FieldErrors {
	fe := FieldErrors{}
	for _, p := range []struct{ name, v string }{{"reasons.rules", r.Rules}, {"reasons.facts", r.Facts}, {"reasons.considerations", r.Considerations}} {
		switch {
		case !ValidText(p.v):
			fe.add(p.name, msgBadChars)
		case strings.TrimSpace(p.v) == "":
			fe.add(p.name, msgRequired)
		case len([]rune(p.v)) > MaxText:
			fe.add(p.name, tooLong(MaxText))
		}
	}
	return fe
}

// Outcomes of a decision or recommendation.
const (
	OutcomeApprove = "approve"
	OutcomeReject  = "reject"
	OutcomeDismiss = "dismiss"
)

// Recommendation is the case officer's proposal (innstilling).
type Recommendation struct {
	ApplicationID  int64     `json:"application_id"`
	Outcome        string    `json:"outcome"`
	AmountOre      money.Ore `json:"amount_ore"`
	Reasons        Reasons   `json:"reasons"`
	OverrideReason string    `json:"override_reason"`
	AuthorID       int64     `json:"author_id"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Decision is the committee's decision on an application.
type Decision struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	Outcome       string    `json:"outcome"`
	AmountOre     money.Ore `json:"amount_ore"`
	RequestedOre  money.Ore `json:"requested_ore"`
	Reasons       Reasons   `json:"reasons"`
	DecidedBy     int64     `json:"decided_by"`
	DecidedAt     time.Time `json:"decided_at"`
}

// Partial reports whether an approval grants less than was requested.
func (d Decision) Partial() bool { return d.Outcome == OutcomeApprove && d.AmountOre < d.RequestedOre }

// Assignment is a reviewer's assignment to an application.
type Assignment struct {
	ApplicationID int64     `json:"application_id"`
	ReviewerID    int64     `json:"reviewer_id"`
	ReviewerName  string    `json:"reviewer_name"`
	Status        string    `json:"status"`
	AssignedAt    time.Time `json:"assigned_at"`
}

// Assignment statuses.
const (
	AssignmentAssigned = "assigned"
	AssignmentActive   = "active"
	AssignmentRecused  = "recused"
)

// Declaration is a statement of (no) conflict of interest.
type Declaration struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	UserID        int64     `json:"user_id"`
	Capacity      string    `json:"capacity"`
	Conflict      bool      `json:"conflict"`
	Reason        string    `json:"reason"`
	CreatedAt     time.Time `json:"created_at"`
}

// Ledger is a fund's budget for a year. Every figure is a sum over the
// ledger's entries, never a counter kept on the side.
type Ledger struct {
	FundID int64     `json:"fund_id"`
	Year   int       `json:"year"`
	Frame  money.Ore `json:"frame_ore"`
	// Committed is what grants hold and have not been paid: commitments
	// less releases less payments.
	Committed money.Ore `json:"committed_ore"`
	// Released is every release: a grant declined, lapsed or decided
	// anew, or a tranche cancelled.
	Released money.Ore `json:"released_ore"`
	// Paid is what has been paid out; ClawedBack what was demanded back
	// and repaid; Lapsed what grants gave up (released other than by a new
	// decision: declined, lapsed, a tranche cancelled).
	Paid       money.Ore `json:"paid_ore"`
	ClawedBack money.Ore `json:"clawed_back_ore"`
	Lapsed     money.Ore `json:"lapsed_ore"`
	// Remaining is Frame − Committed − Paid + ClawedBack: what further
	// approvals may take. Repaid money returns to the frame.
	Remaining money.Ore `json:"remaining_ore"`
}

// QueueItem is one application in a reviewer's queue: enough to declare
// on, and nothing that names the applicant.
type QueueItem struct {
	ApplicationID  int64      `json:"application_id"`
	CaseNumber     string     `json:"case_number"`
	Title          string     `json:"title"`
	State          string     `json:"state"`
	Status         string     `json:"status"`
	ReviewDeadline *time.Time `json:"review_deadline"`
	ReviewState    string     `json:"review_state"` // none, draft or submitted
}
