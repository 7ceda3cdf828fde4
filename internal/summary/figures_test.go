package summary_test

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"nyttig/internal/summary"
	"nyttig/workflow"
)

// golden are the figures of a fund and year computed here, in Go, from the
// raw rows, independently of the summary's SQL.
type golden struct {
	received, dismissed, rejected, full, partial int
	requested, granted, paid, clawedBack, lapsed int64
	frame                                        int64
	receivedByUnit                               map[string]int
	grantedByUnit, paidByUnit                    map[string]int64
	rejectedByCall                               map[int64]int
	median, p90                                  float64
	decided, completed, evaluations, projects    int
	avoided                                      int64
	firstCriterion                               string
	firstCriterionMean                           float64
	winner                                       string
}

func computeGolden(t *testing.T, fundID int64, year int) golden {
	t.Helper()
	st, _ := syntheticFund(t, 300)
	ctx := context.Background()
	pool := st.Pool()
	from := time.Date(year, 1, 1, 0, 0, 0, 0, workflow.Oslo)
	to := from.AddDate(1, 0, 0)
	in := func(at time.Time) bool { return !at.Before(from) && at.Before(to) }
	g := golden{receivedByUnit: map[string]int{}, grantedByUnit: map[string]int64{}, paidByUnit: map[string]int64{},
		rejectedByCall: map[int64]int{}}

	type app struct {
		id        int64
		call      int64
		unit      string
		requested int64
		submitted *time.Time
	}
	apps := map[int64]app{}
	rows, err := pool.Query(ctx, `SELECT a.id, a.call_id, a.unit, a.requested_amount_ore, a.submitted_at FROM applications a
		JOIN calls c ON c.id = a.call_id WHERE c.fund_id = $1`, fundID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a app
		if err := rows.Scan(&a.id, &a.call, &a.unit, &a.requested, &a.submitted); err != nil {
			t.Fatal(err)
		}
		apps[a.id] = a
		if a.submitted != nil && in(*a.submitted) {
			g.received++
			g.requested += a.requested
			g.receivedByUnit[a.unit]++
		}
	}
	type decision struct {
		id, app, amount, requested int64
		outcome                    string
		at                         time.Time
	}
	latest, first := map[int64]decision{}, map[int64]time.Time{}
	rows, err = pool.Query(ctx, `SELECT id, application_id, amount_ore, requested_ore, outcome, decided_at FROM decisions`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d decision
		if err := rows.Scan(&d.id, &d.app, &d.amount, &d.requested, &d.outcome, &d.at); err != nil {
			t.Fatal(err)
		}
		if _, ok := apps[d.app]; !ok {
			continue
		}
		if d.id > latest[d.app].id {
			latest[d.app] = d
		}
		if f, ok := first[d.app]; !ok || d.at.Before(f) {
			first[d.app] = d.at
		}
	}
	var days []float64
	grantedApps := map[int64]bool{}
	for id, d := range latest {
		if !in(d.at) {
			continue
		}
		g.decided++
		days = append(days, first[id].Sub(*apps[id].submitted).Hours()/24)
		switch {
		case d.outcome == "dismiss":
			g.dismissed++
		case d.outcome == "reject":
			g.rejected++
			g.rejectedByCall[apps[id].call]++
		case d.amount >= d.requested:
			g.full++
		default:
			g.partial++
		}
		if d.outcome == "approve" {
			g.granted += d.amount
			g.grantedByUnit[apps[id].unit] += d.amount
			grantedApps[id] = true
		}
	}
	g.projects = len(grantedApps)
	slices.Sort(days)
	g.median, g.p90 = percentile(days, 0.5), percentile(days, 0.9)

	rows, err = pool.Query(ctx, `SELECT application_id, kind, amount_ore, decision_id IS NULL FROM ledger_entries
		WHERE fund_id = $1 AND year = $2`, fundID, year)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind string
		var id, amount int64
		var noDecision bool
		if err := rows.Scan(&id, &kind, &amount, &noDecision); err != nil {
			t.Fatal(err)
		}
		switch {
		case kind == "payment":
			g.paid += amount
			g.paidByUnit[apps[id].unit] += amount
		case kind == "repayment":
			g.clawedBack += amount
		case kind == "release" && noDecision:
			g.lapsed += amount
		}
	}
	if err := pool.QueryRow(ctx, `SELECT COALESCE((SELECT frame_ore FROM fund_budgets WHERE fund_id = $1 AND year = $2), 0)`,
		fundID, year).Scan(&g.frame); err != nil {
		t.Fatal(err)
	}

	rows, err = pool.Query(ctx, `SELECT application_id FROM application_events WHERE event = 'complete'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		if a, ok := apps[id]; ok && a.submitted != nil && in(*a.submitted) {
			g.completed++
		}
	}
	rows, err = pool.Query(ctx, `SELECT application_id, avoided_costs_ore FROM evaluations`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, avoided int64
		if err := rows.Scan(&id, &avoided); err != nil {
			t.Fatal(err)
		}
		if grantedApps[id] {
			g.evaluations++
			g.avoided += avoided
		}
	}

	// The first criterion's mean over the submitted reviews of the
	// received applications.
	names := map[int64]string{}
	rows, err = pool.Query(ctx, `SELECT cc.id, cc.name_nb FROM call_criteria cc JOIN calls c ON c.id = cc.call_id
		WHERE c.fund_id = $1 AND cc.position = (SELECT min(position) FROM call_criteria WHERE call_id = c.id)`, fundID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		names[id], g.firstCriterion = name, name
	}
	// Each reviewer's latest submitted version counts.
	type reviewKey struct{ app, reviewer int64 }
	latestReview := map[reviewKey]struct {
		version int
		raw     []byte
	}{}
	rows, err = pool.Query(ctx, `SELECT application_id, reviewer_id, version, scores FROM reviews WHERE submitted_at IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k reviewKey
		var version int
		var raw []byte
		if err := rows.Scan(&k.app, &k.reviewer, &version, &raw); err != nil {
			t.Fatal(err)
		}
		if version > latestReview[k].version {
			latestReview[k] = struct {
				version int
				raw     []byte
			}{version, raw}
		}
	}
	sum, n, amended := 0, 0, 0
	for k, review := range latestReview {
		id, raw := k.app, review.raw
		if review.version > 1 {
			amended++
		}
		if a, ok := apps[id]; !ok || a.submitted == nil || !in(*a.submitted) {
			continue
		}
		var scores []struct {
			CriterionID int64 `json:"criterion_id"`
			Score       int   `json:"score"`
		}
		if err := json.Unmarshal(raw, &scores); err != nil {
			t.Fatal(err)
		}
		for _, s := range scores {
			if _, ok := names[s.CriterionID]; ok {
				sum += s.Score
				n++
			}
		}
	}
	if n > 0 {
		g.firstCriterionMean = float64(sum) / float64(n)
	}
	if amended == 0 {
		t.Error("no review was amended: the latest version is not tested")
	}
	_ = pool.QueryRow(ctx, `SELECT a.title FROM prize_awards p JOIN applications a ON a.id = p.application_id
		WHERE p.fund_id = $1 AND p.year = $2 AND p.rank = 'winner'`, fundID, year).Scan(&g.winner)
	return g
}

// percentile interpolates linearly between the closest ranks, as
// PostgreSQL's percentile_cont does.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	pos := p * float64(len(sorted)-1)
	lo := math.Floor(pos)
	if int(lo)+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[int(lo)] + (pos-lo)*(sorted[int(lo)+1]-sorted[int(lo)])
}

// TestFiguresMatchTheDatabase compares every headline figure of a
// generated fund's summary with the same figure computed from its rows.
func TestFiguresMatchTheDatabase(t *testing.T) {
	st, s := syntheticFund(t, 300)
	f, err := summary.Load(context.Background(), st, s.Fund.ID, s.Year, now)
	if err != nil {
		t.Fatal(err)
	}
	g := computeGolden(t, s.Fund.ID, s.Year)
	if g.received < 200 || g.decided < 100 || g.projects < 30 || g.paid == 0 || g.winner == "" {
		t.Fatalf("the generated fund is too thin to test with: %+v", g)
	}
	ints := []struct {
		name      string
		got, want int64
	}{
		{"received", int64(f.Totals.Received), int64(g.received)},
		{"dismissed", int64(f.Totals.Dismissed), int64(g.dismissed)},
		{"rejected", int64(f.Totals.Rejected), int64(g.rejected)},
		{"granted in full", int64(f.Totals.GrantedFull), int64(g.full)},
		{"granted in part", int64(f.Totals.GrantedPartial), int64(g.partial)},
		{"requested", int64(f.Totals.RequestedOre), g.requested},
		{"granted", int64(f.Totals.GrantedOre), g.granted},
		{"paid (ledger)", int64(f.Ledger.Paid), g.paid},
		{"paid (totals)", int64(f.Totals.PaidOre), g.paid},
		{"clawed back", int64(f.Ledger.ClawedBack), g.clawedBack},
		{"lapsed", int64(f.Ledger.Lapsed), g.lapsed},
		{"frame", int64(f.Ledger.Frame), g.frame},
		{"decided", int64(f.Processing.Decided), int64(g.decided)},
		{"funnel received", int64(f.Funnel.Received), int64(g.received)},
		{"funnel completed", int64(f.Funnel.Completed), int64(g.completed)},
		{"evaluations", int64(f.Benefits.Evaluations), int64(g.evaluations)},
		{"avoided costs", int64(f.Benefits.AvoidedCostsOre), g.avoided},
		{"projects", int64(len(f.Projects)), int64(g.projects)},
	}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s: summary %d, rows %d", c.name, c.got, c.want)
		}
	}
	wantRate := float64(g.full+g.partial) / float64(g.decided)
	floats := []struct {
		name      string
		got, want float64
	}{
		{"approval rate", f.ApprovalRate, wantRate},
		{"median days", f.Processing.MedianDays, g.median},
		{"p90 days", f.Processing.P90Days, g.p90},
	}
	for _, c := range floats {
		if math.Abs(c.got-c.want) > 1e-6 {
			t.Errorf("%s: summary %v, rows %v", c.name, c.got, c.want)
		}
	}
	if len(f.Scores) == 0 || f.Scores[0].Name.NB != g.firstCriterion || math.Abs(f.Scores[0].Average-g.firstCriterionMean) > 1e-9 {
		t.Errorf("first criterion: summary %+v, rows %q %v", f.Scores[:min(1, len(f.Scores))], g.firstCriterion, g.firstCriterionMean)
	}
	for _, u := range f.ByUnit {
		if u.Received != g.receivedByUnit[u.Name] || int64(u.GrantedOre) != g.grantedByUnit[u.Name] || int64(u.PaidOre) != g.paidByUnit[u.Name] {
			t.Errorf("unit %q: summary %d received, %d granted, %d paid; rows %d, %d, %d", u.Name, u.Received, u.GrantedOre, u.PaidOre,
				g.receivedByUnit[u.Name], g.grantedByUnit[u.Name], g.paidByUnit[u.Name])
		}
	}
	for _, c := range f.ByCall {
		if c.Rejected != g.rejectedByCall[c.CallID] {
			t.Errorf("call %q: summary %d rejected, rows %d", c.Name, c.Rejected, g.rejectedByCall[c.CallID])
		}
	}
	if len(f.ByCall) != 3 {
		t.Errorf("%d calls in the summary, want the generator's 3", len(f.ByCall))
	}
	if len(f.ByUnit) != len(g.receivedByUnit) {
		t.Errorf("%d units in the summary, %d in the rows", len(f.ByUnit), len(g.receivedByUnit))
	}
	bucketed := 0
	for _, n := range f.Processing.Buckets {
		bucketed += n
	}
	if bucketed != g.decided {
		t.Errorf("the processing-time bars hold %d decisions, want %d", bucketed, g.decided)
	}
	if w, ok := f.Winner(); !ok || w.Title != g.winner {
		t.Errorf("prize winner %+v, want %q", w, g.winner)
	}
}

// TestEmptyYear: a year without applications has zero figures and still
// renders.
func TestEmptyYear(t *testing.T) {
	st, s := syntheticFund(t, 300)
	f, err := summary.Load(context.Background(), st, s.Fund.ID, 2019, now)
	if err != nil {
		t.Fatal(err)
	}
	if f.Totals.Received != 0 || len(f.Projects) != 0 || f.ApprovalRate != 0 || f.Ledger.Frame != 0 {
		t.Errorf("2019 is not empty: %+v", f)
	}
	pdf := renderPDF(t, f, "nb")
	if text := pdfText(t, pdf); !contains(text, "Prisen er ikke delt ut for året.") {
		t.Errorf("the empty summary does not say the prize is not awarded:\n%s", text)
	}
}
