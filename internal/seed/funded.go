package seed

import (
	"context"
	"fmt"
	"time"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// demoFundedTitle is the title of the demo project taken all the way to
// completion, so that the public pages and the prize have something to show.
const demoFundedTitle = "Ruteplanlegging for hjemmesykepleien"

// demoFunded gives the applicant one completed project: granted, accepted,
// paid, with an approved final report and its public summary, and the unit
// leader's evaluation nominating it for the innovation prize; unless the
// applicant already has it.
func demoFunded(ctx context.Context, g *grants.Service, call model.Call, users map[workflow.Role]model.User, now time.Time) error {
	applicant, officer, decider := users[workflow.Applicant], users[workflow.CaseOfficer], users[workflow.DecisionMaker]
	mine, err := g.Store.Applications(ctx, model.ApplicationFilter{ApplicantID: applicant.ID, Limit: 200})
	if err != nil {
		return err
	}
	for _, a := range mine {
		if a.Title == demoFundedTitle {
			return nil
		}
	}
	amount := money.FromKroner(180_000)
	local := now.In(workflow.Oslo)
	a, err := g.CreateApplication(ctx, applicant, model.ApplicationFields{
		CallID:           call.ID,
		Title:            demoFundedTitle,
		Summary:          "Digital ruteplanlegging som gir hjemmesykepleien mer tid hos brukerne og mindre tid i bilen.",
		Need:             "Rutene planlegges for hånd hver morgen og endres ofte.",
		Solution:         "Et planleggingsverktøy som foreslår ruter ut fra besøk, avstand og kompetanse.",
		AdoptionPlan:     "Tas i bruk i alle soner etter pilot i sone 1.",
		ExpectedBenefits: "Kortere kjøretid og færre forsinkede besøk.",
		BudgetLines: []model.BudgetLine{
			{Category: "Tjenester", Description: "Lisens og oppsett", AmountOre: amount},
			{Category: "Personell", Description: "Opplæring av planleggere", AmountOre: money.FromKroner(40_000)},
		},
		OwnContributionOre: money.FromKroner(40_000),
		RequestedAmountOre: amount,
		Unit:               applicant.Unit,
		StartDate:          local.AddDate(0, -1, 0).Format(time.DateOnly),
		EndDate:            local.AddDate(0, 1, 0).Format(time.DateOnly),
	}, "seed")
	if err != nil {
		return err
	}
	steps := []func() error{
		func() error { _, err := g.Fire(ctx, applicant, a.ID, workflow.Submit, "", "seed"); return err },
		func() error { _, err := g.Fire(ctx, officer, a.ID, workflow.StartReview, "", "seed"); return err },
		func() error {
			_, err := g.SaveRecommendation(ctx, officer, a.ID, model.Recommendation{Outcome: model.OutcomeApprove, AmountOre: amount,
				Reasons: model.Reasons{Rules: "Retningslinjer for innovasjonsfondet § 3.", Facts: "Søknaden gjelder ruteplanlegging i hjemmesykepleien.",
					Considerations: "Stor gevinst for brukere og ansatte, og overførbar til andre tjenester."},
				OverrideReason: "Demodata: saken er vurdert uten fagvurdering."}, "seed")
			return err
		},
		func() error { _, err := g.Fire(ctx, officer, a.ID, workflow.Recommend, "", "seed"); return err },
		func() error { _, err := g.Declare(ctx, decider, a.ID, false, "", "seed"); return err },
		func() error {
			_, err := g.FireWith(ctx, decider, a.ID, workflow.Approve, grants.EventInput{AmountOre: &amount}, "seed")
			return err
		},
		func() error { _, err := g.Fire(ctx, applicant, a.ID, workflow.Accept, "", "seed"); return err },
		func() error {
			_, err := g.SetRecipient(ctx, officer, a.ID, model.Recipient{CostCentre: "4100", ProjectNumber: "P-DEMO-1"}, "seed")
			return err
		},
		func() error { return demoFinalReport(ctx, g, a.ID, users) },
		func() error { return demoPayAll(ctx, g, a.ID, users, local) },
		func() error { _, err := g.CompleteReady(ctx); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("demo funded project, step %d: %w", i+1, err)
		}
	}
	return nil
}

// demoFinalReport has the unit leader evaluate and nominate the project,
// the project lead write and submit the final report with its public
// summary, and the case officer approve it.
func demoFinalReport(ctx context.Context, g *grants.Service, appID int64, users map[workflow.Role]model.User) error {
	applicant, officer := users[workflow.Applicant], users[workflow.CaseOfficer]
	_, err := g.PutEvaluation(ctx, users[workflow.UnitLeader], appID, model.EvaluationFields{
		Quality:      model.Benefit{Rating: 4, Text: "Brukerne får besøk nærmere avtalt tid."},
		Efficiency:   model.Benefit{Rating: 5, Text: "Kjøretiden er redusert med en femtedel."},
		AvoidedCosts: model.Benefit{Rating: 3, Text: "Færre overtidstimer."}, AvoidedCostsOre: money.FromKroner(150_000),
		Employee:  model.Benefit{Rating: 4, Text: "Mindre stress om morgenen."},
		Citizen:   model.Benefit{Rating: 2, Text: "Brukerne ble spurt om tidspunkter."},
		Continues: true, Nominate: true,
	}, "seed")
	if err != nil {
		return err
	}
	reports, err := g.Reports(ctx, applicant, appID)
	if err != nil {
		return err
	}
	for _, r := range reports {
		if r.Kind != model.ReportFinal {
			continue
		}
		_, err := g.UpdateReport(ctx, applicant, r.ID, model.ReportContent{
			WorkDone: "Verktøyet er satt opp og brukt i alle fire soner.",
			Results:  "Kjøretiden gikk ned med 20 prosent, og forsinkede besøk ble halvert.",
			InUse:    "Hele hjemmesykepleien bruker verktøyet daglig.",
			Lessons:  "Involver de ansatte som planlegger rutene fra første dag.",
			Summary:  "Hjemmesykepleien planlegger nå rutene digitalt. Kjøretiden gikk ned med en femtedel, og brukerne får besøk nærmere avtalt tid.",
		}, "seed")
		if err != nil {
			return err
		}
		if _, err := g.FireReport(ctx, applicant, r.ID, workflow.SubmitReport, "", "seed"); err != nil {
			return err
		}
		if _, err := g.FireReport(ctx, officer, r.ID, workflow.ApproveReport, "", "seed"); err != nil {
			return err
		}
	}
	return nil
}

// demoPayAll attests and authorises every tranche of the project.
func demoPayAll(ctx context.Context, g *grants.Service, appID int64, users map[workflow.Role]model.User, today time.Time) error {
	ps, err := g.Store.Payouts(ctx, appID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if _, err := g.FirePayout(ctx, users[workflow.FinanceAttestant], p.ID, workflow.Attest, grants.PayoutInput{}, "seed"); err != nil {
			return err
		}
		in := grants.PayoutInput{ERPReference: fmt.Sprintf("DEMO-%d", p.ID), PaidOn: today.Format(time.DateOnly)}
		if _, err := g.FirePayout(ctx, users[workflow.FinanceAuthoriser], p.ID, workflow.Authorise, in, "seed"); err != nil {
			return err
		}
	}
	return nil
}
