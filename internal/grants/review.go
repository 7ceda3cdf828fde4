package grants

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

var (
	msgCaseOfficerOnly = i18n.T("Bare saksbehandlere kan gjøre dette.", "Only case officers can do this.")
	msgNotReviewable   = i18n.T("Søknaden er ikke under vurdering.", "The application is not in review.")
	msgRequired        = i18n.T("Må fylles ut.", "Required.")
)

func isCaseOfficer(u model.User) bool { return u.Has(workflow.CaseOfficer) || u.Has(workflow.Admin) }

// Rubric returns a call's criteria.
func (s *Service) Rubric(ctx context.Context, callID int64) ([]model.Criterion, error) {
	if _, err := s.Store.CallByID(ctx, callID); err != nil {
		return nil, err
	}
	return s.Store.Rubric(ctx, callID)
}

// SetRubric replaces a call's criteria. Once a review has been started on
// the call the rubric is fixed, so that every application is scored alike.
func (s *Service) SetRubric(ctx context.Context, u model.User, callID int64, rubric []model.Criterion) ([]model.Criterion, error) {
	if !isCaseOfficer(u) {
		return nil, apperr.New(apperr.Forbidden, msgStaffOnly)
	}
	if _, err := s.Store.CallByID(ctx, callID); err != nil {
		return nil, err
	}
	fe := map[string]i18n.Text{}
	if len(rubric) == 0 || len(rubric) > 30 {
		fe["criteria"] = i18n.T("Gi mellom 1 og 30 kriterier.", "Give between 1 and 30 criteria.")
	}
	for i, c := range rubric {
		p := fmt.Sprintf("criteria[%d].", i)
		for _, f := range []struct{ name, v string }{{"name_nb", c.NameNB}, {"name_en", c.NameEN}} {
			switch {
			case strings.TrimSpace(f.v) == "":
				fe[p+f.name] = msgRequired
			case len([]rune(f.v)) > model.MaxTitle || !model.ValidText(f.v):
				fe[p+f.name] = i18n.Tf("Høyst %d gyldige tegn.", "At most %d valid characters.", model.MaxTitle)
			}
		}
		for _, f := range []struct{ name, v string }{{"description_nb", c.DescriptionNB}, {"description_en", c.DescriptionEN}} {
			if len([]rune(f.v)) > model.MaxText || !model.ValidText(f.v) {
				fe[p+f.name] = i18n.Tf("Høyst %d gyldige tegn.", "At most %d valid characters.", model.MaxText)
			}
		}
		if c.Weight < 1 || c.Weight > 100 {
			fe[p+"weight"] = i18n.T("Vekten må være mellom 1 og 100.", "The weight must be between 1 and 100.")
		}
	}
	if len(fe) > 0 {
		return nil, apperr.Fields(fe)
	}
	return s.Store.SetRubric(ctx, callID, rubric, func(tx pgx.Tx) error {
		started, err := store.CallHasReviews(ctx, tx, callID)
		if err != nil {
			return err
		}
		if started {
			return apperr.New(apperr.Conflict, i18n.T("Vurderingen er i gang; kriteriene kan ikke endres nå.",
				"Review has started; the criteria can no longer be changed."))
		}
		return nil
	})
}

// autoConflicts returns the rules barring person from application a.
func (s *Service) autoConflicts(ctx context.Context, person model.User, a model.Application) ([]model.ConflictRule, error) {
	rules, err := s.Store.ConflictRules(ctx)
	if err != nil {
		return nil, err
	}
	applicant, err := s.Store.UserByID(ctx, a.ApplicantID)
	if err != nil {
		return nil, err
	}
	return model.Conflicts(rules, person, a, applicant), nil
}

// AssignReviewers assigns reviewers by hand. A reviewer barred by a
// conflict rule is refused, naming the rule.
func (s *Service) AssignReviewers(ctx context.Context, u model.User, appID int64, reviewerIDs []int64, requestID string) ([]model.Assignment, error) {
	if !isCaseOfficer(u) {
		return nil, apperr.New(apperr.Forbidden, msgCaseOfficerOnly)
	}
	a, err := s.Application(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	if a.State != workflow.InReview && a.State != workflow.Submitted {
		return nil, apperr.New(apperr.Conflict, msgNotReviewable)
	}
	if len(reviewerIDs) == 0 || len(reviewerIDs) > 20 {
		return nil, apperr.Fields(map[string]i18n.Text{"reviewer_ids": i18n.T("Velg mellom 1 og 20 fagvurderere.", "Choose between 1 and 20 reviewers.")})
	}
	// Every reviewer is checked before any is assigned, so that a refusal
	// leaves the assignments as they were.
	for _, id := range reviewerIDs {
		r, err := s.Store.UserByID(ctx, id)
		if store.IsNotFound(err) || (err == nil && !r.Has(workflow.Reviewer)) {
			return nil, apperr.Fields(map[string]i18n.Text{"reviewer_ids": i18n.Tf(
				"Bruker %d er ikke fagvurderer.", "User %d is not a reviewer.", id)})
		}
		if err != nil {
			return nil, err
		}
		conflicts, err := s.autoConflicts(ctx, r, a)
		if err != nil {
			return nil, err
		}
		if len(conflicts) > 0 {
			nb, en := make([]string, len(conflicts)), make([]string, len(conflicts))
			for i, c := range conflicts {
				nb[i], en[i] = c.Description, c.DescriptionEN
			}
			return nil, apperr.New(apperr.Conflict, i18n.Tt("%s kan ikke vurdere denne søknaden: %s.",
				"%s cannot review this application: %s.", i18n.T(r.Name, r.Name), i18n.T(strings.Join(nb, "; "), strings.Join(en, "; "))))
		}
	}
	if err := s.Store.AssignReviewers(ctx, appID, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()}, reviewerIDs...); err != nil {
		return nil, err
	}
	return s.Store.Assignments(ctx, appID)
}

// AutoAssign gives every application of a call in review the call's number
// of reviewers, picking the least loaded reviewers without a conflict.
func (s *Service) AutoAssign(ctx context.Context, u model.User, callID int64, requestID string) (int, error) {
	if !isCaseOfficer(u) {
		return 0, apperr.New(apperr.Forbidden, msgCaseOfficerOnly)
	}
	call, err := s.Store.CallByID(ctx, callID)
	if err != nil {
		return 0, err
	}
	reviewers, err := s.Store.UsersWithRole(ctx, workflow.Reviewer)
	if err != nil {
		return 0, err
	}
	loads, err := s.Store.ReviewerLoads(ctx)
	if err != nil {
		return 0, err
	}
	made := 0
	for after := int64(0); ; {
		page, err := s.Store.Applications(ctx, model.ApplicationFilter{CallID: callID, State: workflow.InReview, Limit: 200, AfterID: after})
		if err != nil {
			return made, err
		}
		for _, a := range page {
			n, err := s.fillAssignments(ctx, u, a, call.ReviewersPerApplication, reviewers, loads, requestID)
			made += n
			if err != nil {
				return made, err
			}
		}
		if len(page) < 200 {
			return made, nil
		}
		after = page[len(page)-1].ID
	}
}

func (s *Service) fillAssignments(ctx context.Context, u model.User, a model.Application, want int, reviewers []model.User, loads map[int64]int, requestID string) (int, error) {
	current, err := s.Store.Assignments(ctx, a.ID)
	if err != nil {
		return 0, err
	}
	taken := map[int64]bool{}
	active := 0
	for _, as := range current {
		taken[as.ReviewerID] = true
		if as.Status != model.AssignmentRecused {
			active++
		}
	}
	candidates := slices.Clone(reviewers)
	sort.SliceStable(candidates, func(i, j int) bool { return loads[candidates[i].ID] < loads[candidates[j].ID] })
	made := 0
	for _, r := range candidates {
		if active >= want {
			break
		}
		if taken[r.ID] {
			continue
		}
		conflicts, err := s.autoConflicts(ctx, r, a)
		if err != nil {
			return made, err
		}
		if len(conflicts) > 0 {
			continue
		}
		if err := s.Store.AssignReviewers(ctx, a.ID, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()}, r.ID); err != nil {
			return made, err
		}
		loads[r.ID]++
		active++
		made++
	}
	return made, nil
}

// Assignments lists an application's reviewers, for staff.
func (s *Service) Assignments(ctx context.Context, u model.User, appID int64) ([]model.Assignment, error) {
	_, acc, err := s.open(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	if !acc.staff {
		return nil, apperr.New(apperr.Forbidden, msgStaffOnly)
	}
	return s.Store.Assignments(ctx, appID)
}

// Declare records u's declaration of (no) conflict of interest on an
// application, as its assigned reviewer or as a decision maker. A conflict
// needs a reason, and locks u out of the case for good.
func (s *Service) Declare(ctx context.Context, u model.User, appID int64, conflict bool, reason, requestID string) (model.Declaration, error) {
	a, err := s.Store.Application(ctx, appID)
	if err != nil {
		return model.Declaration{}, err
	}
	acc, err := s.accessTo(ctx, u, a)
	if err != nil {
		return model.Declaration{}, err
	}
	var capacity workflow.Role
	switch {
	case acc.conflicted:
		return model.Declaration{}, apperr.New(apperr.NotFound, msgNoApplication)
	case acc.reviewer || acc.pending:
		capacity = workflow.Reviewer
	case u.Has(workflow.DecisionMaker) && !acc.owner:
		capacity = workflow.DecisionMaker
	case acc.owner || acc.staff:
		return model.Declaration{}, apperr.New(apperr.Forbidden, i18n.T(
			"Bare tildelte fagvurderere og beslutningstakere erklærer habilitet.", "Only assigned reviewers and decision makers declare conflicts of interest."))
	default:
		return model.Declaration{}, apperr.New(apperr.NotFound, msgNoApplication)
	}
	reason = strings.TrimSpace(reason)
	switch {
	case conflict && reason == "":
		return model.Declaration{}, apperr.Fields(map[string]i18n.Text{"reason": i18n.T("Begrunn inhabiliteten.", "Give the reason for the conflict.")})
	case len([]rune(reason)) > model.MaxText || !model.ValidText(reason):
		return model.Declaration{}, apperr.Fields(map[string]i18n.Text{"reason": i18n.Tf("Høyst %d gyldige tegn.", "At most %d valid characters.", model.MaxText)})
	}
	return s.Store.Declare(ctx, model.Declaration{ApplicationID: appID, UserID: u.ID, Capacity: string(capacity), Conflict: conflict, Reason: reason},
		store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()})
}

// Declaration returns one of u's own declarations; anyone else's is not
// found for u.
func (s *Service) Declaration(ctx context.Context, u model.User, id int64) (model.Declaration, error) {
	d, err := s.Store.Declaration(ctx, id)
	if err == nil && d.UserID != u.ID {
		err = apperr.New(apperr.NotFound, i18n.T("Fant ikke erklæringen.", "Declaration not found."))
	}
	return d, err
}

// ReviewQueue lists the applications u is assigned to review and has not
// recused from, with the assignment's status.
func (s *Service) ReviewQueue(ctx context.Context, u model.User) ([]model.QueueItem, error) {
	if !u.Has(workflow.Reviewer) {
		return nil, apperr.New(apperr.Forbidden, i18n.T("Du er ikke fagvurderer.", "You are not a reviewer."))
	}
	return s.Store.ReviewQueue(ctx, u.ID)
}
