package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// transitions: the case officer returns submitted applications and their
// project leads send them in again, over and over — each a lifecycle
// event with its row lock, history row and notification — while every
// few rounds all clients fire the same event on one application at once:
// exactly one may win, the rest get 409. Reference: pgbench TPC-B.
func transitions(ctx context.Context, e *env) (Scenario, error) {
	// Each client works its own submitted application.
	apps := make([]model.Application, e.cfg.Clients)
	for i := range apps {
		a, err := e.submitted(ctx, i, fmt.Sprintf("Overgang %d", i))
		if err != nil {
			return Scenario{}, err
		}
		apps[i] = a
	}
	var t tally
	var contended, wrongWinners, unanswered int
	var mu sync.Mutex
	// A contended round runs to its end even when the scenario's time
	// runs out during it: its requests use the run's context, not the
	// timed one, so that every one of them is answered and counted.
	untimed := ctx
	elapsed := e.forClients(ctx, func(ctx context.Context, i, round int) {
		id := apps[i].ID
		status, d, err := e.do(ctx, "POST", fmt.Sprintf("/api/v1/applications/%d/events/return", id), e.officerToken, `{"comment": "Legg ved budsjett"}`)
		if ctx.Err() != nil {
			return
		}
		t.add(status, d, err, http.StatusOK)
		status, d, err = e.do(ctx, "POST", fmt.Sprintf("/api/v1/applications/%d/events/resubmit", id), e.tokens[i], "")
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return
		}
		t.add(status, d, err, http.StatusOK)
		if i == 0 && round%10 == 9 {
			won, lost := e.contend(untimed, round)
			mu.Lock()
			contended += e.cfg.Clients
			if won != 1 {
				wrongWinners++
			}
			unanswered += e.cfg.Clients - won - lost
			mu.Unlock()
		}
	})
	ref, err := e.reference(ctx, false)
	if err != nil {
		return Scenario{}, err
	}
	s := Scenario{Value: float64(t.ok) / elapsed.Seconds(), Unit: "transitions/s", Reference: ref.TPS, ReferenceName: "pgbench TPC-B tps",
		Goal: "≥ 0.8 × TPC-B; one winner per contended event", Errors: t.errors + wrongWinners + unanswered}
	percentiles(&s, t.latencies)
	s.Detail = fmt.Sprintf("%d transitions (return, resubmit) by %d clients; %d contended requests, %d rounds without exactly one winner, %d contended requests neither won nor refused with 409",
		t.ok, e.cfg.Clients, contended, wrongWinners, unanswered)
	return s, nil
}

// contend has every client fire start_review on one fresh application at
// once and reports how many won (exactly one should) and how many were
// refused with 409.
func (e *env) contend(ctx context.Context, round int) (won, lost int) {
	a, err := e.submitted(ctx, 0, fmt.Sprintf("Strid %d", round))
	if err != nil {
		return 0, 0
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range e.cfg.Clients {
		wg.Go(func() {
			status, _, err := e.do(ctx, "POST", fmt.Sprintf("/api/v1/applications/%d/events/start_review", a.ID), e.officerToken, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && status == http.StatusOK:
				won++
			case err == nil && status == http.StatusConflict:
				lost++
			}
		})
	}
	wg.Wait()
	return won, lost
}

// draft makes a complete application of client i through the service
// (setup, not measured).
func (e *env) draft(ctx context.Context, i int, title string) (model.Application, error) {
	amount := money.FromKroner(150_000)
	return e.g.CreateApplication(ctx, e.applicants[i], model.ApplicationFields{CallID: e.call.ID, Title: title,
		Summary: "Sensorer varsler hjemmetjenesten om fall om natten.", Need: "Færre fall.", Solution: "Sensorer.",
		AdoptionPlan: "Pilot.", ExpectedBenefits: "Tryggere hjem.", Unit: "Helse og velferd", StartDate: "2027-01-01", EndDate: "2027-12-31",
		BudgetLines: []model.BudgetLine{{Category: "Utstyr", AmountOre: amount}}, RequestedAmountOre: amount}, "bench")
}

// submitted is draft, submitted.
func (e *env) submitted(ctx context.Context, i int, title string) (model.Application, error) {
	a, err := e.draft(ctx, i, title)
	if err != nil {
		return a, err
	}
	return e.g.Fire(ctx, e.applicants[i], a.ID, workflow.Submit, "", "bench")
}
