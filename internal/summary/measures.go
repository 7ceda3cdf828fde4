package summary

import (
	"strconv"
	"strings"

	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// kind is what a measure's value is, which decides how it is shown.
type kind int

const (
	kindCount kind = iota
	kindAmount
	kindShare
	kindDays
	kindScore
	kindText
)

// measure is one figure of the summary, as the PDF's tables and the CSV
// file both list it.
type measure struct {
	key   string
	label i18n.Text
	kind  kind
	n     int
	ore   money.Ore
	f     float64
	text  string
}

func countOf(key string, label i18n.Text, n int) measure {
	return measure{key: key, label: label, kind: kindCount, n: n}
}
func amountOf(key string, label i18n.Text, o money.Ore) measure {
	return measure{key: key, label: label, kind: kindAmount, ore: o}
}
func textOf(key string, label i18n.Text, s string) measure {
	return measure{key: key, label: label, kind: kindText, text: s}
}

// show formats the value for people reading lang.
func (m measure) show(lang i18n.Lang) string {
	switch m.kind {
	case kindAmount:
		return kroner(m.ore, lang)
	case kindShare:
		return percent(m.f, lang)
	case kindDays:
		return decimal(m.f, lang) + nbsp + tx(lang, "dager", "days")
	case kindScore:
		return decimal(m.f, lang)
	case kindText:
		return m.text
	}
	return count(m.n)
}

// raw formats the value for a spreadsheet: plain integers, amounts in
// kroner with two decimals and a decimal comma (125000,00), shares and
// days with a decimal comma and no grouping.
func (m measure) raw() string {
	comma := func(s string) string { return strings.Replace(s, ".", ",", 1) }
	switch m.kind {
	case kindAmount:
		o := int64(m.ore)
		sign := ""
		if o < 0 {
			sign, o = "-", -o
		}
		return sign + strconv.FormatInt(o/100, 10) + "," + strconv.FormatInt(100+o%100, 10)[1:]
	case kindShare:
		return comma(strconv.FormatFloat(m.f, 'f', 4, 64))
	case kindDays, kindScore:
		return comma(strconv.FormatFloat(m.f, 'f', 2, 64))
	case kindText:
		return m.text
	}
	return strconv.Itoa(m.n)
}

// section is a titled list of measures, per group where there are groups
// (units, calls, criteria, projects).
type section struct {
	key    string
	title  i18n.Text
	groups []group
}

type group struct {
	name     string
	measures []measure
}

func tx(lang i18n.Lang, nb, en string) string { return i18n.T(nb, en).In(lang) }

var (
	lReceived       = i18n.T("Mottatt", "Received")
	lDismissed      = i18n.T("Avvist", "Dismissed")
	lRejected       = i18n.T("Avslått", "Rejected")
	lGrantedFull    = i18n.T("Innvilget fullt", "Granted in full")
	lGrantedPartial = i18n.T("Delvis innvilget", "Granted in part")
	lApprovalRate   = i18n.T("Innvilgelsesgrad", "Approval rate")
	lRequested      = i18n.T("Søkt beløp", "Amount requested")
	lGranted        = i18n.T("Innvilget beløp", "Amount granted")
	lGrantedCount   = i18n.T("Innvilget", "Granted")
	lFrame          = i18n.T("Ramme", "Frame")
	lCommitted      = i18n.T("Bundet, ikke utbetalt", "Committed, not paid")
	lPaid           = i18n.T("Utbetalt", "Paid")
	lClawedBack     = i18n.T("Tilbakebetalt", "Clawed back")
	lLapsed         = i18n.T("Bortfalt", "Lapsed")
	lRemaining      = i18n.T("Gjenstår av rammen", "Remaining of the frame")
	lDecided        = i18n.T("Avgjort", "Decided")
	lMedian         = i18n.T("Median behandlingstid", "Median processing time")
	lP90            = i18n.T("90-persentil behandlingstid", "90th percentile processing time")
)

// funnelStages are the funnel's steps with their labels.
func funnelStages(f model.Funnel) []measure {
	return []measure{
		countOf("received", lReceived, f.Received),
		countOf("reviewed", i18n.T("Vurdert", "Reviewed"), f.Reviewed),
		countOf("granted", lGrantedCount, f.Granted),
		countOf("accepted", i18n.T("Akseptert", "Accepted"), f.Accepted),
		countOf("final_report", i18n.T("Sluttrapport levert", "Final report in"), f.FinalReport),
		countOf("completed", i18n.T("Avsluttet", "Completed"), f.Completed),
	}
}

// bucketLabels names the processing-time bars: "0–14", …, "over 180".
func bucketLabels(lang i18n.Lang) []string {
	var out []string
	lo := 0
	for _, hi := range model.ProcessingBuckets {
		out = append(out, strconv.Itoa(lo)+"–"+strconv.Itoa(hi))
		lo = hi + 1
	}
	return append(out, tx(lang, "over ", "over ")+strconv.Itoa(lo-1))
}

// benefitMeasures are the evaluation figures.
func benefitMeasures(b model.Benefits) []measure {
	return []measure{
		countOf("evaluations", i18n.T("Evalueringer", "Evaluations"), b.Evaluations),
		countOf("quality", i18n.T("Bedre kvalitet", "Better quality"), b.Quality),
		countOf("efficiency", i18n.T("Høyere effektivitet", "Higher efficiency"), b.Efficiency),
		countOf("avoided_costs", i18n.T("Unngåtte kostnader", "Avoided costs"), b.AvoidedCosts),
		countOf("employee", i18n.T("Medarbeidertilfredshet", "Employee satisfaction"), b.Employee),
		countOf("citizen", i18n.T("Innbyggerinnflytelse", "Citizen influence"), b.Citizen),
		amountOf("avoided_costs_amount", i18n.T("Sum unngåtte kostnader", "Sum of avoided costs"), b.AvoidedCostsOre),
		countOf("continues", i18n.T("Tatt i bruk (nyttiggjort)", "Put to use"), b.Continues),
		countOf("nominated", i18n.T("Nominert til prisen", "Nominated for the prize"), b.Nominated),
	}
}

// groupMeasures are a unit's or call's figures: first the counts
// (groupCounts of them), then the amounts.
func groupMeasures(c model.SummaryCounts) []measure {
	return []measure{
		countOf("received", lReceived, c.Received),
		countOf("dismissed", lDismissed, c.Dismissed),
		countOf("rejected", lRejected, c.Rejected),
		countOf("granted_full", lGrantedFull, c.GrantedFull),
		countOf("granted_partial", lGrantedPartial, c.GrantedPartial),
		{key: "approval_rate", label: lApprovalRate, kind: kindShare, f: share(c.Granted(), c.Decided())},
		amountOf("requested", lRequested, c.RequestedOre),
		amountOf("granted_amount", lGranted, c.GrantedOre),
		amountOf("paid", lPaid, c.PaidOre),
		amountOf("clawed_back", lClawedBack, c.ClawedBackOre),
		amountOf("lapsed", lLapsed, c.LapsedOre),
	}
}

// groupCounts is how many of groupMeasures are counts and shares.
const groupCounts = 6

// stateLabel is a project's state as the pages show it; a partial grant
// not yet accepted says so.
func stateLabel(p model.FundedProject) i18n.Text {
	if p.State == workflow.Approved && p.Partial {
		return workflow.PartialApprovalLabel
	}
	return workflow.Application.StateLabel(p.State)
}

// sections lists every figure of f, in the order of the PDF.
func sections(f Figures) []section {
	t := f.Totals
	l := f.Ledger
	p := f.Processing
	out := []section{
		{key: "applications", title: i18n.T("Søknader", "Applications"), groups: []group{{measures: []measure{
			countOf("received", lReceived, t.Received),
			countOf("dismissed", lDismissed, t.Dismissed),
			countOf("rejected", lRejected, t.Rejected),
			countOf("granted_full", lGrantedFull, t.GrantedFull),
			countOf("granted_partial", lGrantedPartial, t.GrantedPartial),
			{key: "approval_rate", label: lApprovalRate, kind: kindShare, f: f.ApprovalRate},
		}}}},
		{key: "amounts", title: i18n.T("Beløp", "Amounts"), groups: []group{{measures: []measure{
			amountOf("requested", lRequested, t.RequestedOre),
			amountOf("granted", lGranted, t.GrantedOre),
			amountOf("frame", lFrame, l.Frame),
			amountOf("committed", lCommitted, l.Committed),
			amountOf("paid", lPaid, l.Paid),
			amountOf("clawed_back", lClawedBack, l.ClawedBack),
			amountOf("lapsed", lLapsed, l.Lapsed),
			amountOf("remaining", lRemaining, l.Remaining),
		}}}},
		{key: "processing", title: i18n.T("Behandlingstid", "Processing time"), groups: []group{{measures: append([]measure{
			countOf("decided", lDecided, p.Decided),
			{key: "median_days", label: lMedian, kind: kindDays, f: p.MedianDays},
			{key: "p90_days", label: lP90, kind: kindDays, f: p.P90Days},
		}, bucketMeasures(p)...)}}},
		{key: "funnel", title: i18n.T("Fra søknad til resultat", "From application to result"), groups: []group{{measures: funnelStages(f.Funnel)}}},
		{key: "by_unit", title: i18n.T("Per enhet", "By unit"), groups: groupsOf(f.ByUnit)},
		{key: "by_call", title: i18n.T("Per utlysning", "By call"), groups: groupsOf(f.ByCall)},
		{key: "scores", title: i18n.T("Gjennomsnittlig poeng per kriterium", "Average score per criterion"), groups: scoreGroups(f.Scores)},
		{key: "benefits", title: i18n.T("Gevinstrealisering", "Benefit realisation"), groups: []group{{measures: benefitMeasures(f.Benefits)}}},
		{key: "prize", title: i18n.T("Innovasjonsprisen", "The innovation prize"), groups: prizeGroups(f.Prize)},
		{key: "projects", title: i18n.T("Finansierte prosjekter", "Funded projects"), groups: projectGroups(f.Projects)},
	}
	return out
}

// bucketMeasures are the processing-time bars, keyed days_0_14 …
// days_over_180.
func bucketMeasures(p model.ProcessingTimes) []measure {
	labels := bucketLabels(i18n.NB)
	out := make([]measure, 0, len(p.Buckets))
	lo := 0
	for i, n := range p.Buckets {
		key := "days_over_" + strconv.Itoa(lo-1)
		if i < len(model.ProcessingBuckets) {
			hi := model.ProcessingBuckets[i]
			key = "days_" + strconv.Itoa(lo) + "_" + strconv.Itoa(hi)
			lo = hi + 1
		}
		out = append(out, countOf(key, i18n.Tf("%s dager", "%s days", labels[i]), n))
	}
	return out
}

func groupsOf(gs []model.SummaryGroup) []group {
	out := make([]group, 0, len(gs))
	for _, g := range gs {
		out = append(out, group{name: g.Name, measures: groupMeasures(g.SummaryCounts)})
	}
	return out
}

func scoreGroups(scores []model.CriterionScore) []group {
	out := make([]group, 0, len(scores))
	for _, s := range scores {
		out = append(out, group{name: s.Name.NB, measures: []measure{
			{key: "average", label: i18n.T("Snitt", "Average"), kind: kindScore, f: s.Average},
			countOf("scores", i18n.T("Antall poeng", "Scores"), s.Scores),
		}})
	}
	return out
}

func prizeGroups(prize []model.SummaryPrize) []group {
	out := make([]group, 0, len(prize))
	for _, p := range prize {
		out = append(out, group{name: p.Rank, measures: []measure{
			textOf("case_number", i18n.T("Saksnummer", "Case number"), p.CaseNumber),
			textOf("title", i18n.T("Prosjekt", "Project"), p.Title),
			textOf("unit", i18n.T("Enhet", "Unit"), p.Unit),
			textOf("citation", i18n.T("Begrunnelse", "Citation"), p.Citation),
		}})
	}
	return out
}

func projectGroups(ps []model.FundedProject) []group {
	out := make([]group, 0, len(ps))
	for _, p := range ps {
		out = append(out, group{name: p.CaseNumber, measures: []measure{
			textOf("title", i18n.T("Prosjekt", "Project"), p.Title),
			textOf("unit", i18n.T("Enhet", "Unit"), p.Unit),
			textOf("state", i18n.T("Status", "Status"), string(p.State)),
			amountOf("granted", lGranted, p.GrantedOre),
			amountOf("paid", lPaid, p.PaidOre),
			textOf("summary", i18n.T("Sammendrag av sluttrapporten", "Final report summary"), p.ReportSummary),
		}})
	}
	return out
}
