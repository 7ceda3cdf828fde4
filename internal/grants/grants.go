// Package grants owns what people may do with applications and calls: who
// may see and change what, and how a lifecycle event is checked against
// the workflow and committed through the store. The JSON API and the web
// pages both call it, so the rules hold the same for both.
package grants

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"nyttig/internal/apperr"
	"nyttig/internal/blob"
	"nyttig/internal/i18n"
	"nyttig/internal/metrics"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// Service carries the dependencies of the use cases.
type Service struct {
	Store  *store.Store
	Blobs  *blob.Store
	Limits Limits
	// Now is the clock; tests set it.
	Now func() time.Time
}

// New returns a service on the real clock with the default limits.
func New(st *store.Store, blobs *blob.Store) *Service {
	return &Service{Store: st, Blobs: blobs, Limits: DefaultLimits, Now: time.Now}
}

// orphanAge is how old an unreferenced object must be before the sweeper
// removes it: older than any upload in flight.
const orphanAge = time.Hour

// Implemented are the events a person or the system fires on an
// application directly. The final report's own events (submit_final_report,
// return_final_report) are carried out by the final report's lifecycle
// (FireReport), never on their own, so they are not here.
var Implemented = []workflow.Event{workflow.Submit, workflow.Return, workflow.Resubmit, workflow.StartReview, workflow.Withdraw,
	workflow.Recommend, workflow.Approve, workflow.Reject, workflow.Dismiss,
	workflow.Accept, workflow.Decline, workflow.Lapse, workflow.Appeal, workflow.Reverse, workflow.Complete}

var (
	msgNoApplication = i18n.T("Fant ikke søknaden.", "Application not found.")
	msgNotYours      = i18n.T("Bare prosjektlederen kan endre søknaden.", "Only the project lead can change the application.")
	msgOnlyApplicant = i18n.T("Du må ha rollen søker for å søke.", "You need the applicant role to apply.")
	msgStaffOnly     = i18n.T("Bare saksbehandlere og administratorer kan gjøre dette.", "Only case officers and administrators can do this.")
	msgUnknownCall   = i18n.T("Utlysningen finnes ikke.", "The call does not exist.")
)

// Application returns an application u may see; nobody else learns it
// exists (404). A reviewer under blind review gets it without the
// applicant's identity.
func (s *Service) Application(ctx context.Context, u model.User, id int64) (model.Application, error) {
	a, _, err := s.open(ctx, u, id)
	return a, err
}

// open returns an application u may see, redacted as their access
// requires, with that access.
func (s *Service) open(ctx context.Context, u model.User, id int64) (model.Application, access, error) {
	a, conflicted, err := s.Store.ApplicationFor(ctx, id, u.ID)
	if err != nil {
		return a, access{}, err
	}
	acc, err := s.accessWith(ctx, u, a, conflicted)
	if err != nil {
		return model.Application{}, acc, err
	}
	if err := acc.mustSee(); err != nil {
		return model.Application{}, acc, err
	}
	if acc.blind {
		a = redact(a)
	}
	return a, acc, nil
}

// Applications lists the applications u may see: their own, or everyone's
// for staff.
func (s *Service) Applications(ctx context.Context, u model.User, f model.ApplicationFilter) ([]model.Application, error) {
	if !u.IsStaff() {
		f.ApplicantID = u.ID
	}
	return s.Store.Applications(ctx, f)
}

// History returns the history of an application u may see.
func (s *Service) History(ctx context.Context, u model.User, id int64) ([]model.HistoryEntry, error) {
	_, acc, err := s.open(ctx, u, id)
	if err != nil {
		return nil, err
	}
	h, err := s.Store.History(ctx, id)
	if err != nil || !acc.blind {
		return h, err
	}
	raw, err := s.Store.Application(ctx, id)
	if err != nil {
		return nil, err
	}
	for i := range h {
		if h[i].ActorID != nil && *h[i].ActorID == raw.ApplicantID {
			h[i].ActorID, h[i].ActorName = nil, ""
		}
	}
	return h, nil
}

func (s *Service) checkFields(ctx context.Context, f model.ApplicationFields) error {
	fe := f.Check()
	if _, bad := fe["call_id"]; !bad {
		if _, err := s.Store.CallByID(ctx, f.CallID); err != nil {
			if !store.IsNotFound(err) {
				return err
			}
			fe["call_id"] = msgUnknownCall
		}
	}
	if len(fe) > 0 {
		return apperr.Fields(fe)
	}
	return nil
}

func normalise(f *model.ApplicationFields, u model.User) {
	for _, p := range []*string{&f.Title, &f.Unit, &f.StartDate, &f.EndDate} {
		*p = strings.TrimSpace(*p)
	}
	if f.Unit == "" {
		f.Unit = u.Unit
	}
	for i := range f.Partners {
		f.Partners[i] = strings.TrimSpace(f.Partners[i])
	}
	f.Recipient.Normalise()
}

// CreateApplication starts a draft for u, who must be an applicant.
func (s *Service) CreateApplication(ctx context.Context, u model.User, f model.ApplicationFields, requestID string) (model.Application, error) {
	if !u.Has(workflow.Applicant) {
		return model.Application{}, apperr.New(apperr.Forbidden, msgOnlyApplicant)
	}
	normalise(&f, u)
	if err := s.checkFields(ctx, f); err != nil {
		return model.Application{}, err
	}
	return s.Store.CreateApplication(ctx, u.ID, f, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()})
}

// UpdateApplication replaces the fields of u's own draft or returned
// application. expectVersion, when not 0, must match the stored version so
// that a stale form does not overwrite a newer save.
func (s *Service) UpdateApplication(ctx context.Context, u model.User, id int64, f model.ApplicationFields, expectVersion int, requestID string) (model.Application, error) {
	if _, err := s.Application(ctx, u, id); err != nil {
		return model.Application{}, err
	}
	normalise(&f, u)
	if err := s.checkFields(ctx, f); err != nil {
		return model.Application{}, err
	}
	return s.Store.UpdateApplication(ctx, id, f, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(cur model.Application) error {
			switch {
			case cur.ApplicantID != u.ID:
				return apperr.New(apperr.Forbidden, msgNotYours)
			case !cur.Editable():
				return apperr.New(apperr.Conflict, i18n.Tt(
					"Søknaden kan ikke endres når den har status «%s».", "The application cannot be changed in state “%s”.",
					workflow.Application.StateLabel(cur.State)))
			case expectVersion != 0 && expectVersion != cur.Version:
				return apperr.New(apperr.Conflict, i18n.T(
					"Søknaden er endret siden du åpnet den. Last siden på nytt.",
					"The application changed since you opened it. Reload the page."))
			}
			return nil
		})
}

// Available lists the events u may fire on a now: the buttons to show.
func (s *Service) Available(u model.User, a model.Application) []workflow.Event {
	var out []workflow.Event
	for _, e := range workflow.Application.Available(a.State, actor(u, a)) {
		if slices.Contains(Implemented, e) {
			out = append(out, e)
		}
	}
	return out
}

func actor(u model.User, a model.Application) workflow.Actor {
	return workflow.Actor{Roles: u.Roles, Owner: a.ApplicantID == u.ID}
}

// Fire carries out lifecycle event e on application id for u, with a
// comment (a reason or message; some events require one).
func (s *Service) Fire(ctx context.Context, u model.User, id int64, e workflow.Event, comment, requestID string) (model.Application, error) {
	return s.FireWith(ctx, u, id, e, EventInput{Comment: comment}, requestID)
}

// EventInput is what a person gives with a lifecycle event: a comment, and
// for a decision the amount and the reasons (which default to the
// recommendation's).
type EventInput struct {
	Comment   string         `json:"comment"`
	AmountOre *money.Ore     `json:"amount_ore,omitempty"`
	Reasons   *model.Reasons `json:"reasons,omitempty"`
}

var decisionEvents = map[workflow.Event]string{
	workflow.Approve: model.OutcomeApprove, workflow.Reject: model.OutcomeReject, workflow.Dismiss: model.OutcomeDismiss,
}

// releasingEvents end an application's claim on the budget.
var releasingEvents = []workflow.Event{workflow.Withdraw, workflow.Decline, workflow.Lapse}

// FireWith carries out lifecycle event e with its input. Everything the
// guards need is gathered first; the transition itself, its history row,
// a decision and its budget commitment then commit in one transaction on
// the locked application row.
func (s *Service) FireWith(ctx context.Context, u model.User, id int64, e workflow.Event, in EventInput, requestID string) (model.Application, error) {
	if !workflow.Application.KnownEvent(e) {
		return model.Application{}, apperr.New(apperr.NotFound, i18n.T("Ukjent hendelse.", "Unknown event."))
	}
	a, err := s.Application(ctx, u, id)
	if err != nil {
		return model.Application{}, err
	}
	if e == workflow.SubmitFinalReport || e == workflow.ReturnFinalReport {
		return model.Application{}, apperr.New(apperr.Conflict, i18n.T(
			"Sluttrapporten leveres og sendes tilbake på selve rapporten.", "The final report is submitted and returned on the report itself."))
	}
	if !slices.Contains(Implemented, e) {
		return model.Application{}, apperr.New(apperr.Conflict, i18n.T(
			"Denne handlingen er ikke tatt i bruk ennå.", "This action is not available yet."))
	}
	comment := strings.TrimSpace(in.Comment)
	switch {
	case !model.ValidText(comment):
		return model.Application{}, apperr.Fields(map[string]i18n.Text{"comment": msgBadChars})
	case utf8.RuneCountInString(comment) > model.MaxText:
		return model.Application{}, apperr.Fields(map[string]i18n.Text{"comment": i18n.Tf(
			"Kan ikke være lengre enn %d tegn.", "Cannot be longer than %d characters.", model.MaxText)})
	}
	pre, err := s.gatherFacts(ctx, u, a, e, in)
	if err != nil {
		return model.Application{}, err
	}
	now := s.Now()
	result, err := s.Store.Transition(ctx, id, store.Change{ActorID: u.ID, RequestID: requestID, Now: now},
		func(cur model.Application, call model.Call) (store.Decision, error) {
			facts := pre.facts
			facts.Now, facts.CallOpensAt, facts.CallClosesAt = now, call.OpensAt, call.ClosesAt
			facts.Incomplete, facts.Comment = cur.Incomplete(call), comment
			facts.RequestedOre = int64(cur.RequestedAmountOre)
			to, err := workflow.Application.Fire(ctx, cur.State, e, actor(u, cur), facts)
			if err != nil {
				return store.Decision{}, fireError(err, cur.State, e)
			}
			d := store.Decision{To: to, Event: e, Comment: comment, Release: slices.Contains(releasingEvents, e), Payouts: pre.payouts,
				Reports: pre.reports}
			if outcome, ok := decisionEvents[e]; ok {
				d.Record = &model.Decision{ApplicationID: cur.ID, Outcome: outcome, RequestedOre: cur.RequestedAmountOre,
					Reasons: pre.reasons, DecidedBy: u.ID, DecidedAt: now}
				if outcome == model.OutcomeApprove {
					d.Record.AmountOre = money.Ore(facts.AmountOre)
				}
			}
			return d, nil
		})
	if err != nil {
		return result, err
	}
	metrics.Transitions.WithLabelValues(string(e)).Inc()
	if _, ok := decisionEvents[e]; ok {
		s.afterDecision(ctx, id)
	}
	return result, nil
}

// preFacts are the facts gathered before the transaction.
type preFacts struct {
	facts   workflow.Facts
	reasons model.Reasons
	payouts []model.Payout
	reports []model.Report
}

// gatherFacts reads what the guards of e need beyond the application row:
// for recommending, the reviews and the recommendation; for deciding, the
// decider's standing and the amount and reasons (defaulting to the
// recommendation's).
func (s *Service) gatherFacts(ctx context.Context, u model.User, a model.Application, e workflow.Event, in EventInput) (preFacts, error) {
	var p preFacts
	switch e {
	case workflow.Recommend:
		call, err := s.Store.CallByID(ctx, a.CallID)
		if err != nil {
			return p, err
		}
		rec, ok, err := s.Store.Recommendation(ctx, a.ID)
		if err != nil {
			return p, err
		}
		missing, err := s.reviewsMissing(ctx, a, call)
		if err != nil {
			return p, err
		}
		p.facts.HasRecommendation, p.facts.ReviewsMissing = ok, missing
		p.facts.Override = ok && rec.OverrideReason != ""
	case workflow.Accept, workflow.Decline:
		if !slices.Contains(s.Available(u, a), e) {
			return p, nil // the workflow refuses with the right status
		}
		return p, s.acceptanceFacts(ctx, a, e, &p)
	case workflow.Complete:
		var err error
		p.facts.FinalReportApproved, p.facts.EvaluationIn, p.facts.TranchesOpen, err = s.Store.CompletionFacts(ctx, a.ID)
		return p, err
	case workflow.Appeal:
		if !slices.Contains(s.Available(u, a), e) {
			return p, nil
		}
		return p, s.appealFacts(ctx, a)
	case workflow.Approve, workflow.Reject, workflow.Dismiss:
		rec, _, err := s.Store.Recommendation(ctx, a.ID)
		if err != nil {
			return p, err
		}
		p.reasons = rec.Reasons
		if in.Reasons != nil {
			p.reasons = *in.Reasons
		}
		p.facts.ReasonsMissing = p.reasons.Missing()
		p.facts.AmountOre = int64(rec.AmountOre)
		if in.AmountOre != nil {
			p.facts.AmountOre = int64(*in.AmountOre)
		}
		if u.Has(workflow.DecisionMaker) {
			p.facts.DeclaredFree, p.facts.Conflicted, err = s.deciderStanding(ctx, u, a)
			if err != nil {
				return p, err
			}
		}
	}
	return p, nil
}

func fireError(err error, from workflow.State, e workflow.Event) error {
	var ge *workflow.GuardError
	state, event := workflow.Application.StateLabel(from), workflow.Application.EventLabel(e)
	switch {
	case errors.As(err, &ge):
		return apperr.Fields(ge.Fields)
	case errors.Is(err, workflow.ErrNotAllowedNow):
		return apperr.New(apperr.Conflict, i18n.Tt("«%s» går ikke når søknaden har status «%s».",
			"“%s” is not possible while the application is “%s”.", event, state))
	case errors.Is(err, workflow.ErrRoleMayNot):
		return apperr.New(apperr.Forbidden, i18n.Tt("Du har ikke lov til å «%s».", "You may not “%s”.", event))
	}
	return err
}
