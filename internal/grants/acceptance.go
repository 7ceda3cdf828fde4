package grants

import (
	"context"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/deadline"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// SystemUser is who acts on deadlines: it holds only the system role.
var SystemUser = model.User{Name: "Nyttig", Roles: []workflow.Role{workflow.System}}

func oslo(t time.Time) string { return t.In(deadline.Oslo).Format("02.01.2006 15:04") }

// lastDecision returns the application's latest decision.
func (s *Service) lastDecision(ctx context.Context, appID int64) (model.Decision, bool, error) {
	ds, err := s.Store.Decisions(ctx, appID)
	if err != nil || len(ds) == 0 {
		return model.Decision{}, false, err
	}
	return ds[len(ds)-1], true, nil
}

// acceptanceFacts refuses acceptance after the deadline and, for an
// acceptance, builds the payout plan: the case officer's adjustment, or
// the call's default tranches.
func (s *Service) acceptanceFacts(ctx context.Context, a model.Application, e workflow.Event, p *preFacts) error {
	d, ok, err := s.lastDecision(ctx, a.ID)
	if err != nil || !ok || d.Outcome != model.OutcomeApprove {
		return err // the workflow refuses: no grant to accept
	}
	call, err := s.Store.CallByID(ctx, a.CallID)
	if err != nil {
		return err
	}
	due := AcceptanceDeadline(d.DecidedAt, call)
	if e == workflow.Accept && s.Now().After(due) {
		return apperr.New(apperr.Conflict, i18n.Tf("Fristen for å akseptere tilskuddet gikk ut %s.",
			"The deadline for accepting the grant passed at %s.", oslo(due)))
	}
	if e == workflow.Accept {
		if p.payouts, err = s.acceptedPayouts(ctx, a.ID, d, call); err != nil {
			return err
		}
		p.reports, err = s.reportsAtAcceptance(ctx, a, call)
	}
	return err
}

// AppealDeadline returns when the appeal deadline of the application's
// latest decision runs out, and false while it has not started (no letter
// stored yet).
func (s *Service) AppealDeadline(ctx context.Context, appID int64) (time.Time, bool, error) {
	d, ok, err := s.lastDecision(ctx, appID)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	l, ok, err := s.Store.LetterFor(ctx, d.ID)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	return deadline.Weeks(deadline.Receipt(l.CreatedAt, l.FirstOpenedAt, LetterGraceDays), 3), true, nil
}

// appealFacts refuses an appeal of a full grant, and any appeal after the
// three-week deadline, naming the deadline.
func (s *Service) appealFacts(ctx context.Context, a model.Application) error {
	d, ok, err := s.lastDecision(ctx, a.ID)
	if err != nil || !ok {
		return err
	}
	if d.Outcome == model.OutcomeApprove && !d.Partial() {
		return apperr.New(apperr.Conflict, i18n.T("Et fullt innvilget tilskudd kan ikke påklages.", "A grant in full cannot be appealed."))
	}
	due, started, err := s.AppealDeadline(ctx, a.ID)
	if err != nil {
		return err
	}
	if started && s.Now().After(due) {
		return apperr.New(apperr.Conflict, i18n.Tf("Klagefristen gikk ut %s.", "The appeal deadline passed at %s.", oslo(due)))
	}
	return nil
}

// LapseOverdue lets grants that were not accepted in time lapse, which
// releases their commitment; it returns how many lapsed.
func (s *Service) LapseOverdue(ctx context.Context) (int, error) {
	n := 0
	for after := int64(0); ; {
		page, err := s.Store.Applications(ctx, model.ApplicationFilter{State: workflow.Approved, Limit: 200, AfterID: after})
		if err != nil {
			return n, err
		}
		for _, a := range page {
			d, ok, err := s.lastDecision(ctx, a.ID)
			if err != nil {
				return n, err
			}
			call, err := s.Store.CallByID(ctx, a.CallID)
			if err != nil {
				return n, err
			}
			if !ok || !s.Now().After(AcceptanceDeadline(d.DecidedAt, call)) {
				continue
			}
			_, err = s.Fire(ctx, SystemUser, a.ID, workflow.Lapse, "", "deadline")
			switch {
			case err == nil:
				n++
			case !apperr.Is(err, apperr.Conflict): // Conflict: accepted or lapsed meanwhile
				return n, err
			}
		}
		if len(page) < 200 {
			return n, nil
		}
		after = page[len(page)-1].ID
	}
}

// Actions lists the events u may fire on a now, as Available does, without
// those whose deadline has passed: accepting a grant after the acceptance
// deadline, appealing after the appeal deadline or appealing a full grant.
func (s *Service) Actions(ctx context.Context, u model.User, a model.Application) ([]workflow.Event, error) {
	var out []workflow.Event
	for _, e := range s.Available(u, a) {
		switch e {
		case workflow.Accept, workflow.Appeal:
			var p preFacts
			var err error
			if e == workflow.Accept {
				err = s.acceptanceFacts(ctx, a, e, &p)
			} else {
				err = s.appealFacts(ctx, a)
			}
			if apperr.Is(err, apperr.Conflict) {
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, nil
}
