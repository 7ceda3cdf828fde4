package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
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
	// Hint is said about the event before its form, such as its deadline.
	Hint, HintID string
}

// acceptView is the form that accepts a grant: the applicant confirms
// the letter's conditions.
type acceptView struct {
	Action, Label, Deadline, Error string
}

type detailView struct {
	ID                                 int64
	CaseNumber, State, Applicant, Call string
	Unit, Submitted, Updated           string
	// Anonymous is true for a reviewer of a blind call, who is not told
	// who applied.
	Anonymous                  bool
	Texts                      []textView
	Budget                     []budgetView
	BudgetTotal                string
	OwnContribution, Requested string
	Partners                   []string
	StartDate, EndDate         string
	History                    []historyRow
	Tasks                      []linkView
	Actions                    []actionView
	Accept                     *acceptView
	// AppealCase tells the case officer of an appeal what can happen next.
	AppealCase     *linkView
	Letters        *lettersView
	Money          *moneyView
	Dismiss        []reasonField
	DismissOpen    bool
	Panel          *reviewPanel
	Attachments    attachmentsView
	CanEdit        bool
	Flash, Message string
	Summary        []summaryItem
	Reports        []reportRow
}

// linkView is a link to a page of its own: a task waiting for the person.
type linkView struct{ Href, Label string }

// The forms of the detail page that are not an event's comment form.
const (
	formUpload  = "upload"
	formDelete  = "delete"
	formDismiss = "dismissal"
	formAssign  = "assign"
	formAccept  = string(workflow.Accept)
)

// refusal is a post from the detail page that was refused: the page is
// shown again with the error beside the form that sent it, keeping what
// was typed there.
type refusal struct {
	form  string // an event's name for its comment form, or one of the form constants
	input url.Values
	err   *apperr.Error
}

func (s *site) applicationDetail(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	return s.showDetail(w, r, u, id, nil)
}

func (s *site) fireEvent(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	e := workflow.Event(chi.URLParam(r, "event"))
	if e == workflow.Accept && r.PostFormValue("confirm") != "yes" {
		refused, err := s.unconfirmedAcceptance(r, u, id)
		if err != nil {
			return err
		}
		if refused != nil {
			return s.showDetail(w, r, u, id, refused)
		}
	}
	if _, err := s.Grants.Fire(r.Context(), u, id, e, r.PostFormValue("comment"), httpx.RequestID(r.Context())); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showDetail(w, r, u, id, &refusal{form: string(e), input: r.PostForm, err: apperr.As(err)})
	}
	http.Redirect(w, r, appPath(id)+"?done="+string(e), http.StatusSeeOther)
	return nil
}

// unconfirmedAcceptance is the refusal of an acceptance posted without
// confirming the letter's conditions, when u could accept; otherwise nil,
// and grants gives its own answer.
func (s *site) unconfirmedAcceptance(r *http.Request, u model.User, id int64) (*refusal, error) {
	app, err := s.Grants.Application(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(s.Grants.Available(u, app), workflow.Accept) {
		return nil, nil
	}
	return &refusal{form: formAccept, input: r.PostForm,
		err: apperr.Fields(map[string]i18n.Text{"confirm": msg("accept.confirm_required")})}, nil
}

// dismiss dismisses an application (avvisning) with the three parts of
// its reasons; the case officer's form of it is on the detail page.
func (s *site) dismiss(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	reasons := reasonsFromPost(r.PostForm)
	in := grants.EventInput{Reasons: &reasons}
	if _, err := s.Grants.FireWith(r.Context(), u, id, workflow.Dismiss, in, httpx.RequestID(r.Context())); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showDetail(w, r, u, id, &refusal{form: formDismiss, input: r.PostForm, err: apperr.As(err)})
	}
	http.Redirect(w, r, appPath(id)+"?done="+string(workflow.Dismiss), http.StatusSeeOther)
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
// a refused post when refused is not nil.
func (s *site) showDetail(w http.ResponseWriter, r *http.Request, u model.User, id int64, refused *refusal) error {
	ctx := r.Context()
	lang := httpx.Lang(r)
	app, err := s.Grants.Application(ctx, u, id)
	if err != nil {
		if r.Method == http.MethodGet && mustDeclareFirst(u, err) {
			http.Redirect(w, r, appPath(id)+"/declaration", http.StatusSeeOther)
			return nil
		}
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
	if v.Money, err = s.moneySection(ctx, u, app, refused, lang); err != nil {
		return err
	}
	if v.Reports, err = s.reportsSection(ctx, u, app, lang); err != nil {
		return err
	}
	status := http.StatusOK
	if refused != nil {
		status = apperr.Status(refused.err)
		v.showRefusal(refused, lang)
	} else if done := r.URL.Query().Get("done"); done != "" {
		if t, ok := catalog["done."+done]; ok {
			v.Flash = t.In(lang)
		}
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	p := page{Status: status, Template: "detail", Nav: navFor(u, app), Back: appPath(app.ID), Data: v,
		Title: fmt.Sprintf(msg("detail.title").In(lang), app.CaseNumber) + ": " + titleOr(app.Title, lang)}
	if v.Attachments.CanChange {
		p.Script = "upload.js"
	}
	return s.render(w, r, p)
}

// mustDeclareFirst reports whether err is grants telling an assigned
// reviewer to declare their impartiality before opening the application.
func mustDeclareFirst(u model.User, err error) bool {
	return u.Has(workflow.Reviewer) && apperr.Is(err, apperr.Forbidden)
}

// showRefusal puts the error of a refused post beside the form that sent
// it, with what was typed, and links the error summary to the fields.
func (v *detailView) showRefusal(f *refusal, lang i18n.Lang) {
	e := f.err
	v.Message = e.Message.In(lang)
	href := func(string) string { return "" }
	if v.CanEdit { // an event refused for the application's own fields
		href = func(name string) string { return appPath(v.ID) + "/edit#" + fieldID(name) }
	}
	switch f.form {
	case formDelete:
		return
	case formPlan, formRecipient, formClawback:
		v.Summary = summarize(e.Fields, lang, moneyHref(f.form))
		return
	case formUpload:
		text := e.Message.In(lang)
		if t, ok := e.Fields["file"]; ok {
			text = t.In(lang)
		}
		v.Message = msg("attach.not_uploaded").In(lang)
		v.Attachments.Error = text
		v.Summary = []summaryItem{{Href: "#f-file", Text: text}}
		return
	case formAssign:
		if v.Panel != nil {
			v.Panel.AssignError = e.Message.In(lang)
			if t, ok := e.Fields["reviewer_ids"]; ok {
				v.Panel.AssignError = t.In(lang)
			}
			v.Summary = []summaryItem{{Href: "#f-reviewer", Text: v.Panel.AssignError}}
		}
		return
	case formAccept:
		if v.Accept != nil {
			v.Accept.Error = e.Message.In(lang)
			if text, ok := e.Fields["confirm"]; ok {
				v.Accept.Error = text.In(lang)
			}
		}
		v.Summary = summarize(e.Fields, lang, func(name string) string {
			if name == "confirm" {
				return "#f-accept-confirm"
			}
			return ""
		})
		return
	case formDismiss:
		errs := translateFields(e.Fields, lang)
		v.Dismiss, v.DismissOpen = reasonFields("dismiss", reasonsFromPost(f.input), errs, lang), true
		href = reasonHref("dismiss", href)
	default:
		action := eventPath(v.ID, workflow.Event(f.form))
		for i, a := range v.Actions {
			if a.Action == action {
				v.Actions[i].Comment = f.input.Get("comment")
				if text, ok := e.Fields["comment"]; ok {
					v.Actions[i].Error = text.In(lang)
				}
			}
		}
		inner := href
		href = func(name string) string {
			if name == "comment" {
				return "#" + commentID(workflow.Event(f.form))
			}
			return inner(name)
		}
	}
	v.Summary = summarize(e.Fields, lang, href)
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
	if app.ApplicantID == 0 { // redacted by grants for a blind review
		v.Anonymous = true
	} else {
		applicant, err := s.Store.UserByID(ctx, app.ApplicantID)
		if err != nil {
			return v, err
		}
		v.Applicant = applicant.Name
	}
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
	var latest model.Decision
	var decided bool
	if v.Letters, latest, decided, err = s.lettersSection(ctx, u, app, call, lang); err != nil {
		return v, err
	}
	if decided && app.State == workflow.Approved && latest.Partial() {
		v.State = workflow.PartialApprovalLabel.In(lang)
	}
	available, err := s.Grants.Actions(ctx, u, app)
	if err != nil {
		return v, err
	}
	for _, e := range available {
		switch {
		case e == workflow.Accept:
			v.Accept = &acceptView{Action: eventPath(app.ID, e), Label: workflow.Application.EventLabel(e).In(lang)}
			if v.Letters != nil && v.Letters.AcceptBy != "" {
				v.Accept.Deadline = sprintf(lang, "accept.deadline", v.Letters.AcceptBy)
			}
		case slices.Contains(commentEvents, e):
			a := actionFor(app.ID, e, lang)
			if e == workflow.Appeal && v.Letters != nil && v.Letters.AppealBy != "" {
				a.Hint, a.HintID = sprintf(lang, "appeal.deadline", v.Letters.AppealBy), "h-comment-"+string(e)
			}
			v.Actions = append(v.Actions, a)
		}
	}
	if app.State == workflow.Appealed && slices.Contains(available, workflow.Reverse) {
		v.AppealCase = &linkView{Href: appPath(app.ID) + "/decision", Label: msg("appeal.case_note").In(lang)}
	}
	// A case officer dismisses with reasons in three parts; a decision
	// maker dismisses on the decision page.
	if slices.Contains(available, workflow.Dismiss) && (app.State == workflow.Submitted || app.State == workflow.InReview) {
		v.Dismiss = reasonFields("dismiss", model.Reasons{}, nil, lang)
	}
	if v.Tasks, err = s.tasks(ctx, u, app, lang); err != nil {
		return v, err
	}
	if v.Panel, err = s.reviewPanel(ctx, u, app, call, lang); err != nil {
		return v, err
	}
	v.Attachments, err = s.attachmentsView(ctx, u, app, lang)
	return v, err
}

// tasks links to the pages where the person carries the case on: their
// review, the recommendation, or the decision.
func (s *site) tasks(ctx context.Context, u model.User, app model.Application, lang i18n.Lang) ([]linkView, error) {
	var out []linkView
	if u.Has(workflow.Reviewer) && app.ApplicantID != u.ID {
		_, _, err := s.Grants.MyReview(ctx, u, app.ID)
		switch {
		case err == nil:
			out = append(out, linkView{Href: appPath(app.ID) + "/review", Label: msg("task.review").In(lang)})
		case !apperr.Is(err, apperr.Forbidden):
			return nil, err
		}
	}
	if writesRecommendations(u) && (app.State == workflow.InReview || app.State == workflow.Recommended) {
		out = append(out, linkView{Href: appPath(app.ID) + "/recommendation", Label: msg("task.recommendation").In(lang)})
	}
	if u.Has(workflow.DecisionMaker) && awaitsDecision(app.State) && app.ApplicantID != u.ID {
		out = append(out, linkView{Href: appPath(app.ID) + "/decision", Label: msg("task.decision").In(lang)})
	}
	if writesRecommendations(u) && app.ApplicantID != u.ID && app.State != workflow.Draft {
		out = append(out, linkView{Href: publicationPath(app.ID), Label: msg("publication.link").In(lang)})
	}
	return out, nil
}

// writesRecommendations reports whether u works as a case officer: who
// is shown the forms for assigning reviewers and for the recommendation
// (grants decides whether what they send is allowed).
func writesRecommendations(u model.User) bool {
	return u.Has(workflow.CaseOfficer) || u.Has(workflow.Admin)
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
	if h.Event == store.EventLetterCreated && h.Comment != "" { // the letter's checksum
		row.Comment = "SHA-256: " + h.Comment
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
	case store.EventReviewerAssigned:
		return msg("history.reviewer_assigned").In(lang)
	case store.EventDeclaration:
		return msg("history.declaration").In(lang)
	case store.EventReviewSubmitted:
		return msg("history.review_submitted").In(lang)
	case store.EventRecommendation:
		return msg("history.recommendation_saved").In(lang)
	case store.EventLetterCreated:
		return msg("history.letter_created").In(lang)
	case store.EventProvisionalReply:
		return msg("history.provisional_reply").In(lang)
	case store.EventDecisionFinal:
		return msg("history.decision_final").In(lang)
	case model.EventEvaluation:
		return msg("history.evaluation").In(lang)
	case model.EventPayoutPlanAdjusted:
		return msg("history.payout_plan_adjusted").In(lang)
	case model.EventRecipientChanged:
		return msg("history.recipient_changed").In(lang)
	case model.EventPublication:
		return msg("history.publication_changed").In(lang)
	case model.EventPrize:
		return msg("history.prize_decided").In(lang)
	}
	return workflow.Application.EventLabel(workflow.Event(name)).In(lang)
}

func actionFor(id int64, e workflow.Event, lang i18n.Lang) actionView {
	a := actionView{Action: eventPath(id, e), Label: workflow.Application.EventLabel(e).In(lang),
		CommentID: commentID(e), ErrorID: "e-comment-" + string(e), Required: commentRequired(e),
		Danger: e == workflow.Withdraw || e == workflow.Decline}
	switch {
	case e == workflow.Return:
		a.CommentLabel = msg("comment.return").In(lang)
	case e == workflow.Withdraw:
		a.CommentLabel = msg("comment.withdraw").In(lang)
	case e == workflow.Decline:
		a.CommentLabel = msg("comment.decline").In(lang)
	case e == workflow.Appeal:
		a.CommentLabel, a.Label = msg("comment.appeal").In(lang), msg("appeal.submit").In(lang)
	case e == workflow.Reverse:
		a.CommentLabel, a.Label = msg("comment.reverse").In(lang), msg("reverse.submit").In(lang)
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
var commentEvents = []workflow.Event{workflow.Submit, workflow.Resubmit, workflow.Return, workflow.StartReview, workflow.Withdraw,
	workflow.Decline, workflow.Appeal, workflow.Reverse}

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
