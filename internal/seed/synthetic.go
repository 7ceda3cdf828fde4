package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// Synthetic is what SyntheticFund made.
type Synthetic struct {
	Fund         model.Fund
	Year         int
	Applications int
	Users        int
}

// SyntheticOptions shape a generated fund.
type SyntheticOptions struct {
	// Applications is how many to generate.
	Applications int
	// Year is the year they are submitted in; the projects run into the
	// next year. Nothing is dated after Now.
	Year int
	Now  time.Time
	// Seed makes the same options give the same fund.
	Seed uint64
}

var syntheticUnits = []string{"Helse og velferd", "Oppvekst", "Kultur og fritid", "Bymiljø og utbygging", "Teknisk drift",
	"Innovasjon og digitalisering", "Barnevern", "NAV kommune", "Eiendom", "Økonomi og administrasjon", "Brann og redning", "Havn"}

var syntheticWords = []string{"Digitalt", "Smart", "Trygg", "Grønn", "Felles", "Åpen", "Mobil", "Lokal", "Rask", "Enkel"}
var syntheticThings = []string{"tilsyn", "skolevei", "søknadsportal", "bibliotek", "avfallshenting", "vaktplan", "brøyting",
	"innbyggerdialog", "legemiddelhåndtering", "byggesak", "leksehjelp", "vannmåling"}

// SyntheticFund generates a realistic fund: one frame, three calls, staff
// and applicants across units, and o.Applications applications spread over
// every state a year leads to — with their histories, reviews, decisions,
// ledger entries, payouts, claw-backs, reports, evaluations and a prize —
// written in bulk in one transaction. Every invariant of `nyttig check`
// holds afterwards.
func SyntheticFund(ctx context.Context, st *store.Store, o SyntheticOptions) (Synthetic, error) {
	if o.Applications < 1 || o.Applications > 1_000_000 {
		return Synthetic{}, apperr.New(apperr.BadRequest, msgSyntheticCount)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Year == 0 {
		o.Year = o.Now.In(workflow.Oslo).Year() - 1
	}
	g := &generator{o: o, rng: rand.New(rand.NewPCG(o.Seed, uint64(o.Applications)))}
	fund, err := g.createFund(ctx, st)
	if err != nil {
		return Synthetic{}, err
	}
	g.fund = fund
	if err := g.createCalls(ctx, st); err != nil {
		return Synthetic{}, err
	}
	err = st.Transact(ctx, func(tx pgx.Tx) error {
		if err := g.createUsers(ctx, tx); err != nil {
			return err
		}
		return g.generate(ctx, tx)
	})
	if err != nil {
		return Synthetic{}, err
	}
	// Vacuumed and analysed, as a database in use is: the planner knows
	// the new rows, and their first readers need not set their hint bits.
	if _, err := st.Pool().Exec(ctx, "VACUUM (ANALYZE) applications, application_events, reviews, decisions, ledger_entries, payouts, reports, evaluations"); err != nil {
		return Synthetic{}, err
	}
	return Synthetic{Fund: fund, Year: o.Year, Applications: o.Applications, Users: len(g.applicants) + 6}, nil
}

// generator carries one generation's state.
type generator struct {
	o          SyntheticOptions
	rng        *rand.Rand
	fund       model.Fund
	calls      []model.Call
	criteria   map[int64][]int64
	applicants []synthUser
	staff      struct{ officer, decider, attestant, authoriser, leader, admin int64 }
	reviewers  []int64
}

type synthUser struct {
	id   int64
	unit string
}

func (g *generator) createFund(ctx context.Context, st *store.Store) (model.Fund, error) {
	funds, err := st.Funds(ctx)
	if err != nil {
		return model.Fund{}, err
	}
	taken := map[string]bool{}
	for _, f := range funds {
		taken[f.Name] = true
	}
	// CreateFund returns an existing fund of the same name, so pick a
	// new name.
	base := fmt.Sprintf("Syntetisk innovasjonsfond %d (%s søknader)", g.o.Year, grouped(g.o.Applications))
	name := base
	for k := 2; taken[name]; k++ {
		name = fmt.Sprintf("%s nr. %d", base, k)
	}
	return st.CreateFund(ctx, name, "Syntetisk kommune")
}

func (g *generator) createCalls(ctx context.Context, st *store.Store) error {
	y := g.o.Year
	titles := []string{"Innovasjonsmidler vår %d", "Innovasjonsmidler høst %d", "Tjenesteinnovasjon med innbyggerne %d"}
	g.criteria = map[int64][]int64{}
	for _, title := range titles {
		opens := time.Date(y, time.January, 1, 8, 0, 0, 0, workflow.Oslo)
		c, err := st.CreateCall(ctx, model.Call{FundID: g.fund.ID, Title: fmt.Sprintf(title, y), OpensAt: opens,
			ClosesAt: opens.AddDate(1, 0, 0), MaxAmountOre: money.FromKroner(2_000_000), BudgetYear: y,
			Description: "Generert av nyttig seed --synthetic."}, 0)
		if err != nil {
			return err
		}
		rows, err := st.Pool().Query(ctx, "SELECT id FROM call_criteria WHERE call_id = $1 ORDER BY position", c.ID)
		if err != nil {
			return err
		}
		if g.criteria[c.ID], err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		g.calls = append(g.calls, c)
	}
	return nil
}

func (g *generator) createUsers(ctx context.Context, tx pgx.Tx) error {
	nApplicants := max(10, min(2000, g.o.Applications/20))
	nReviewers := max(4, min(200, g.o.Applications/100))
	total := nApplicants + nReviewers + 6
	userIDs, err := ids(ctx, tx, "users", total)
	if err != nil {
		return err
	}
	users := newTable("users", "id", "email", "name", "unit", "language")
	roles := newTable("user_roles", "user_id", "role")
	n := 0
	add := func(role workflow.Role, unit string) int64 {
		id := userIDs[n]
		n++
		users.add(id, fmt.Sprintf("syntetisk-%d-%d@nyttig.test", g.fund.ID, n), fmt.Sprintf("Syntetisk %s %d", role, n), unit, "nb")
		roles.add(id, string(role))
		return id
	}
	s := &g.staff
	s.officer, s.decider = add(workflow.CaseOfficer, "Innovasjon og digitalisering"), add(workflow.DecisionMaker, "Rådmannens stab")
	s.attestant, s.authoriser = add(workflow.FinanceAttestant, "Økonomi"), add(workflow.FinanceAuthoriser, "Økonomi")
	s.leader, s.admin = add(workflow.UnitLeader, "Helse og velferd"), add(workflow.Admin, "Innovasjon og digitalisering")
	for i := 0; i < nReviewers; i++ {
		g.reviewers = append(g.reviewers, add(workflow.Reviewer, syntheticUnits[i%len(syntheticUnits)]))
	}
	for i := 0; i < nApplicants; i++ {
		unit := syntheticUnits[g.skewed(len(syntheticUnits))]
		g.applicants = append(g.applicants, synthUser{id: add(workflow.Applicant, unit), unit: unit})
	}
	if err := users.insert(ctx, tx); err != nil {
		return err
	}
	return roles.insert(ctx, tx)
}

// skewed picks an index below n, the first ones more often, as some
// units apply far more than others.
func (g *generator) skewed(n int) int {
	return min(n-1, int(float64(n)*math.Pow(g.rng.Float64(), 1.6)))
}

// days returns a duration of about median days, log-normally spread.
func (g *generator) days(median float64) time.Duration {
	d := median * math.Exp(g.rng.NormFloat64()*0.6)
	return time.Duration(d * 24 * float64(time.Hour))
}

func (g *generator) title() string {
	return syntheticWords[g.rng.IntN(len(syntheticWords))] + " " + syntheticThings[g.rng.IntN(len(syntheticThings))]
}

// grouped writes n with a space between thousands: 10 000.
func grouped(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
