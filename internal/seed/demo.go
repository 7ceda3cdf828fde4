// Package seed owns the data Nyttig can be loaded with: the demo fund, call,
// users and applications a newcomer explores after `make run` — among them
// a submitted application in review with the demo reviewer assigned, so
// that the way from review to decision can be walked at once, and a
// completed project with a public final report summary, nominated for the
// innovation prize, so that the public pages are not empty — and
// generated (synthetic) funds of any size for trying the annual summary
// at scale (synthetic.go).
package seed

import (
	"context"
	"fmt"
	"time"

	"nyttig/internal/auth"
	"nyttig/internal/blob"
	"nyttig/internal/grants"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// DemoPassword is every demo user's password. The demo is for a laptop,
// never for a server with real data.
const DemoPassword = "nyttig-demo"

// DemoUser is one demo login.
type DemoUser struct {
	Email string
	Name  string
	Unit  string
	Role  workflow.Role
}

// DemoUsers are one user per role.
var DemoUsers = []DemoUser{
	{"soker@nyttig.test", "Kari Nordmann", "Helse og velferd", workflow.Applicant},
	{"saksbehandler@nyttig.test", "Ola Hansen", "Innovasjon og digitalisering", workflow.CaseOfficer},
	{"fagvurderer@nyttig.test", "Per Sørensen", "Oppvekst", workflow.Reviewer},
	{"beslutter@nyttig.test", "Anne Johansen", "Rådmannens stab", workflow.DecisionMaker},
	{"attestant@nyttig.test", "Ingrid Berg", "Økonomi", workflow.FinanceAttestant},
	{"anviser@nyttig.test", "Lars Dahl", "Økonomi", workflow.FinanceAuthoriser},
	{"leder@nyttig.test", "Siri Haugen", "Helse og velferd", workflow.UnitLeader},
	{"admin@nyttig.test", "Nils Admin", "Innovasjon og digitalisering", workflow.Admin},
}

// Demo loads the demo data, creating only what is missing, so running it
// again is safe. It returns the users to print.
func Demo(ctx context.Context, st *store.Store, blobs *blob.Store, now time.Time) ([]DemoUser, error) {
	fund, err := st.CreateFund(ctx, "Innovasjonsfondet", "Sandnes kommune")
	if err != nil {
		return nil, err
	}
	year := now.In(workflow.Oslo).Year()
	if err := st.SetBudget(ctx, fund.ID, year, money.FromKroner(5_000_000)); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		return nil, err
	}
	users := map[workflow.Role]model.User{}
	for _, d := range DemoUsers {
		u, _, err := st.UserByEmail(ctx, d.Email)
		if store.IsNotFound(err) {
			u, err = st.CreateUser(ctx, store.NewUser{Email: d.Email, Name: d.Name, Unit: d.Unit, Language: i18n.NB,
				PasswordHash: hash, Roles: []workflow.Role{d.Role}})
		} else if err == nil {
			err = st.SetUserPassword(ctx, u.ID, hash)
		}
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", d.Email, err)
		}
		users[d.Role] = u
	}
	// The applicant's leader is the demo unit leader, so that the own-leader
	// conflict rule has someone to apply to.
	applicant, leader := users[workflow.Applicant], users[workflow.UnitLeader]
	if applicant.LeaderID == nil || *applicant.LeaderID != leader.ID {
		if err := st.SetUserLeader(ctx, applicant.ID, &leader.ID); err != nil {
			return nil, err
		}
		applicant.LeaderID = &leader.ID
	}
	call, err := demoCall(ctx, st, fund, now, users[workflow.Admin].ID)
	if err != nil {
		return nil, err
	}
	g := &grants.Service{Store: st, Blobs: blobs, Limits: grants.DefaultLimits, Now: func() time.Time { return now }}
	if err := demoApplications(ctx, g, call, applicant, now); err != nil {
		return nil, err
	}
	if err := demoReview(ctx, g, applicant, users[workflow.CaseOfficer], users[workflow.Reviewer]); err != nil {
		return nil, err
	}
	if err := demoFunded(ctx, g, call, users, now); err != nil {
		return nil, err
	}
	return DemoUsers, nil
}

func demoCall(ctx context.Context, st *store.Store, fund model.Fund, now time.Time, adminID int64) (model.Call, error) {
	open, err := st.OpenCalls(ctx, now)
	if err != nil {
		return model.Call{}, err
	}
	for _, c := range open {
		if c.FundID == fund.ID {
			return c, nil
		}
	}
	local := now.In(workflow.Oslo)
	closes := time.Date(local.Year(), local.Month(), local.Day()+60, 23, 59, 0, 0, workflow.Oslo)
	return st.CreateCall(ctx, model.Call{
		FundID: fund.ID,
		Title:  fmt.Sprintf("Innovasjonsmidler %d", local.Year()),
		Description: "Sandnes kommunes innovasjonsfond støtter prosjekter som er NYTT, NYTTIG og NYTTIGGJORT: " +
			"nye løsninger som gir gevinst for innbyggere eller ansatte, og som tas i bruk.",
		OpensAt:      now.Add(-24 * time.Hour),
		ClosesAt:     closes,
		MaxAmountOre: money.FromKroner(500_000),
		// One review is enough to recommend, since the demo has one reviewer.
		ReviewersPerApplication: 1,
	}, adminID)
}

// demoApplications gives the applicant one submitted application and one
// draft, unless they already have applications.
func demoApplications(ctx context.Context, g *grants.Service, call model.Call, applicant model.User, now time.Time) error {
	mine, err := g.Store.Applications(ctx, model.ApplicationFilter{ApplicantID: applicant.ID, Limit: 1})
	if err != nil || len(mine) > 0 {
		return err
	}
	submitted := model.ApplicationFields{
		CallID:           call.ID,
		Title:            demoReviewTitle,
		Summary:          "Sensorer og varsling som lar brukere bo trygt hjemme lenger, med færre unødvendige besøk.",
		Need:             "Hjemmetjenesten bruker mye tid på tilsynsbesøk der alt er i orden.",
		Solution:         "Utprøving av bevegelsessensorer med varsling til vakttelefon for 30 brukere.",
		AdoptionPlan:     "Etter seks måneder vurderes drift i hele hjemmetjenesten.",
		ExpectedBenefits: "Frigjort tid tilsvarende ett årsverk, og tryggere brukere.",
		BudgetLines: []model.BudgetLine{
			{Category: "Utstyr", Description: "Sensorer og gateway", AmountOre: money.FromKroner(180_000)},
			{Category: "Personell", Description: "Prosjektleder 20 %", AmountOre: money.FromKroner(170_000)},
		},
		OwnContributionOre: money.FromKroner(100_000),
		RequestedAmountOre: money.FromKroner(250_000),
		Unit:               applicant.Unit,
		Partners:           []string{"Universitetet i Stavanger"},
		StartDate:          now.In(workflow.Oslo).AddDate(0, 2, 0).Format(time.DateOnly),
		EndDate:            now.In(workflow.Oslo).AddDate(1, 2, 0).Format(time.DateOnly),
	}
	a, err := g.CreateApplication(ctx, applicant, submitted, "seed")
	if err != nil {
		return err
	}
	if _, err := g.Fire(ctx, applicant, a.ID, workflow.Submit, "", "seed"); err != nil {
		return err
	}
	_, err = g.CreateApplication(ctx, applicant, model.ApplicationFields{
		CallID: call.ID, Title: "Språkvenn-app for nyankomne elever", Unit: applicant.Unit,
		Summary: "Et utkast: en app som kobler nyankomne elever med frivillige språkvenner.",
	}, "seed")
	return err
}

// demoReviewTitle is the title of the demo application that is put in review.
const demoReviewTitle = "Digitalt tilsyn i hjemmetjenesten"

// demoReview puts the applicant's submitted demo application in review and
// assigns the demo reviewer to it, unless that is done or the application
// has moved on.
func demoReview(ctx context.Context, g *grants.Service, applicant, officer, reviewer model.User) error {
	mine, err := g.Store.Applications(ctx, model.ApplicationFilter{ApplicantID: applicant.ID, Limit: 200})
	if err != nil {
		return err
	}
	for _, a := range mine {
		if a.Title != demoReviewTitle {
			continue
		}
		if a.State == workflow.Submitted {
			if a, err = g.Fire(ctx, officer, a.ID, workflow.StartReview, "", "seed"); err != nil {
				return err
			}
		}
		if a.State != workflow.InReview {
			continue
		}
		if _, assigned, err := g.Store.Assignment(ctx, a.ID, reviewer.ID); err != nil || assigned {
			return err
		}
		if _, err := g.AssignReviewers(ctx, officer, a.ID, []int64{reviewer.ID}, "seed"); err != nil {
			return err
		}
	}
	return nil
}
