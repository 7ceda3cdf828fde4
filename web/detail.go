package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// textView is one long text of an application.
type textView struct{ Label, Value string }

type budgetView struct{ Category, Description, Amount string }

// historyRow is one line of the history timeline.
type historyRow struct{ At, Actor, Event, From, To, Comment string }

// actionView is the small form of one lifecycle event.
type actionView struct {
	Action, Label           string
	CommentID, CommentLabel string
	Required, Danger        bool
	Comment, Error, ErrorID string
}

type detailView struct {
	ID                                 int64
	CaseNumber, State, Applicant, Call string
	Unit, Submitted, Updated           string
	Texts                              []textView
	Budget                             []budgetView
	BudgetTotal                        string
	OwnContribution, Requested         string
	Partners                           []string
	StartDate, EndDate                 string
	History                            []historyRow
	Actions                            []actionView
	CanEdit                            bool
	Flash, Message                     string
	Summary                            []summaryItem
}

// failedEvent is an event that was tried and refused, to show beside its form.
type failedEvent struct {
	event   workflow.Event
	comment string
	err     *apperr.Error
}

func (s *site) applicationDetail(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return s.showDetail(w, r, u, id, nil)
}

func (s *site) fireEvent(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	e := workflow.Event(chi.URLParam(r, "event"))
	comment := r.PostFormValue("comment")
	if _, err := s.Grants.Fire(r.Context(), u, id, e, comment, httpx.RequestID(r.Context())); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showDetail(w, r, u, id, &failedEvent{event: e, comment: comment, err: apperr.As(err)})
	}
	http.Redirect(w, r, appPath(id)+"?done="+string(e), http.StatusSeeOther)
	return nil
}

// shownOnPage reports whether err is the person's to fix on the page they
// came from, rather than a reason for an error page.
func shownOnPage(err error) bool {
	switch apperr.KindOf(err) {
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
		return true
	}
	return false
}

// showDetail renders the detail page of application id, with the error of
// a refused event when failed is not nil.
func (s *site) showDetail(w http.ResponseWriter, r *http.Request, u model.User, id int64, failed *failedEvent) error {
	ctx := r.Context()
	lang := httpx.Lang(r)
	app, err := s.Grants.Application(ctx, u, id)
	if err != nil {
		return err
	}
	history, err := s.Grants.History(ctx, u, id)
	if err != nil {
		return err
	}
	v, err := s.detailView(ctx, u, app, history, lang)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if failed != nil {
		status = apperr.Status(failed.err)
		v.Message = failed.err.Message.In(lang)
		for i, a := range v.Actions {
			if a.Action == eventPath(app.ID, failed.event) {
				v.Actions[i].Comment = failed.comment
				if text, ok := failed.err.Fields["comment"]; ok {
					v.Actions[i].Error = text.In(lang)
				}
			}
		}
		v.Summary = summarize(failed.err.Fields, lang, func(name string) string {
			switch {
			case name == "comment":
				return "#" + commentID(failed.event)
			case v.CanEdit:
				return appPath(app.ID) + "/edit#" + fieldID(name)
			}
			return ""
		})
	} else if done := r.URL.Query().Get("done"); done != "" {
		if t, ok := catalog["done."+done]; ok {
			v.Flash = t.In(lang)
		}
	}
	title := fmt.Sprintf(msg("detail.title").In(lang), app.CaseNumber) + ": " + titleOr(app.Title, lang)
	return s.render(w, r, page{Status: status, Template: "detail", Title: title, Nav: navFor(u, app), Data: v})
}

// navFor marks "My applications" for one's own application and the inbox
// for anyone else's.
func navFor(u model.User, a model.Application) string {
	if a.ApplicantID == u.ID {
		return "applications"
	}
	return "inbox"
}

func eventPath(id int64, e workflow.Event) string { return appPath(id) + "/events/" + string(e) }

func commentID(e workflow.Event) string { return "f-comment-" + string(e) }

func (s *site) detailView(ctx context.Context, u model.User, app model.Application, history []model.HistoryEntry, lang i18n.Lang) (detailView, error) {
	v := detailView{
		ID: app.ID, CaseNumber: app.CaseNumber, State: workflow.Application.StateLabel(app.State).In(lang),
		Unit: app.Unit, Updated: osloTime(app.UpdatedAt),
		OwnContribution: app.OwnContributionOre.String(), Requested: app.RequestedAmountOre.String(),
		Partners: app.Partners, StartDate: civilDate(app.StartDate), EndDate: civilDate(app.EndDate),
		CanEdit: app.ApplicantID == u.ID && app.Editable(),
	}
	if app.SubmittedAt != nil {
		v.Submitted = osloTime(*app.SubmittedAt)
	}
	applicant, err := s.Store.UserByID(ctx, app.ApplicantID)
	if err != nil {
		return v, err
	}
	v.Applicant = applicant.Name
	call, err := s.Store.CallByID(ctx, app.CallID)
	if err != nil {
		return v, err
	}
	v.Call = call.Title
	for _, t := range []struct{ key, value string }{
		{"field.title", app.Title}, {"field.summary", app.Summary}, {"field.need", app.Need}, {"field.solution", app.Solution},
		{"field.adoption_plan", app.AdoptionPlan}, {"field.expected_benefits", app.ExpectedBenefits},
	} {
		v.Texts = append(v.Texts, textView{Label: msg(t.key).In(lang), Value: t.value})
	}
	var total money.Ore
	for _, l := range app.BudgetLines {
		v.Budget = append(v.Budget, budgetView{Category: l.Category, Description: l.Description, Amount: l.AmountOre.String()})
		total += l.AmountOre
	}
	v.BudgetTotal = total.String()
	for _, h := range history {
		v.History = append(v.History, historyView(h, lang))
	}
	for _, e := range s.Grants.Available(u, app) {
		if slices.Contains(commentEvents, e) {
			v.Actions = append(v.Actions, actionFor(app.ID, e, lang))
		}
	}
	return v, nil
}

// civilDate shows a stored YYYY-MM-DD as Norwegians write it.
func civilDate(s string) string {
	if d, ok := model.ParseDate(s); ok {
		return d.Format("02.01.2006")
	}
	return s
}

func historyView(h model.HistoryEntry, lang i18n.Lang) historyRow {
	row := historyRow{At: osloTime(h.At), Actor: h.ActorName, Event: eventName(h.Event, lang), Comment: h.Comment,
		To: workflow.Application.StateLabel(workflow.State(h.To)).In(lang)}
	if row.Actor == "" {
		row.Actor = msg("history.system").In(lang)
	}
	if h.From != "" && h.From != h.To {
		row.From = workflow.Application.StateLabel(workflow.State(h.From)).In(lang)
	}
	return row
}

// eventName labels a history event: a lifecycle event, or a creation or edit.
func eventName(name string, lang i18n.Lang) string {
	switch name {
	case model.EventCreated:
		return msg("history.create").In(lang)
	case model.EventEdited:
		return msg("history.edit").In(lang)
	case model.EventAttachmentAdded:
		return msg("history.attachment_added").In(lang)
	case model.EventAttachmentDeleted:
		return msg("history.attachment_deleted").In(lang)
	case model.EventAttachmentRead:
		return msg("history.attachment_downloaded").In(lang)
	}
	return workflow.Application.EventLabel(workflow.Event(name)).In(lang)
}

func actionFor(id int64, e workflow.Event, lang i18n.Lang) actionView {
	a := actionView{Action: eventPath(id, e), Label: workflow.Application.EventLabel(e).In(lang),
		CommentID: commentID(e), ErrorID: "e-comment-" + string(e), Required: commentRequired(e),
		Danger: e == workflow.Withdraw}
	switch {
	case e == workflow.Return:
		a.CommentLabel = msg("comment.return").In(lang)
	case e == workflow.Withdraw:
		a.CommentLabel = msg("comment.withdraw").In(lang)
	case a.Required:
		a.CommentLabel = msg("comment.required").In(lang)
	default:
		a.CommentLabel = msg("comment.optional").In(lang)
	}
	return a
}

// commentEvents are the lifecycle events whose only input is a comment,
// which is all the detail page asks for. A recommendation or a decision
// needs more (an amount, reasons, a declaration of impartiality) and gets a
// form of its own.
var commentEvents = []workflow.Event{workflow.Submit, workflow.Resubmit, workflow.Return, workflow.StartReview, workflow.Withdraw}

// commentRequired reports whether event e needs a comment. It asks the
// workflow's own guards rather than keeping a second list: each event is
// tried once, with every other precondition met and no comment.
var commentRequired = func() func(workflow.Event) bool {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	facts := workflow.Facts{Now: at, CallOpensAt: at.Add(-time.Hour), CallClosesAt: at.Add(time.Hour)}
	need := map[workflow.Event]bool{}
	for _, t := range workflow.Application.Transitions() {
		_, err := workflow.Application.Fire(context.Background(), t.From[0], t.Event, workflow.Actor{Roles: t.Roles, Owner: true}, facts)
		var ge *workflow.GuardError
		if errors.As(err, &ge) {
			if _, ok := ge.Fields["comment"]; ok {
				need[t.Event] = true
			}
		}
	}
	return func(e workflow.Event) bool { return need[e] }
}()
