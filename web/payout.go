package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// factView is one line of a description list.
type factView struct{ Label, Value string }

// payoutForm is the form of one payout event, with what it asks for.
type payoutForm struct {
	Event, Label string
	// Confirm asks the attestant to confirm; Booking asks for the voucher
	// number and the date paid; Comment asks for a reason.
	Confirm, Booking, Comment bool
	// DateField names the booking's date: paid_on, or repaid_on.
	DateField                   string
	Danger                      bool
	CommentLabel                string
	ERPReference, PaidOn, Typed string
	Errors                      map[string]string
}

// ID is the HTML id of this form's input for field name.
func (f payoutForm) ID(name string) string { return "f-" + f.Event + "-" + name }

// Err is the error beside this form's field name.
func (f payoutForm) Err(name string) string { return f.Errors[name] }

type payoutView struct {
	Heading, Action, CaseHref string
	CaseNumber, Title         string
	Facts, Summary            []factView
	History                   []historyRow
	Forms                     []payoutForm
	Flash, Message            string
	Errors                    []summaryItem
}

// payoutPage shows one tranche to finance and case officers: the
// application it belongs to, where the money goes, its history, and the
// forms of the events the person may carry out.
func (s *site) payoutPage(w http.ResponseWriter, r *http.Request) error {
	return s.showPayout(w, r, nil)
}

// firePayout carries out the payout event the form names.
func (s *site) firePayout(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	e := workflow.Event(r.PostFormValue("event"))
	if e == workflow.Attest && r.PostFormValue("confirm") != "yes" {
		return s.showPayout(w, r, &refusal{form: string(e), input: r.PostForm,
			err: apperr.Fields(map[string]i18n.Text{"attestation": msg("payout.confirm_required")})})
	}
	in := grants.PayoutInput{Comment: r.PostFormValue("comment"), ERPReference: r.PostFormValue("erp_reference"),
		PaidOn: r.PostFormValue("paid_on")}
	if _, err := s.Grants.FirePayout(r.Context(), u, id, e, in, httpx.RequestID(r.Context())); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showPayout(w, r, &refusal{form: string(e), input: r.PostForm, err: apperr.As(err)})
	}
	http.Redirect(w, r, payoutPath(id)+"?done="+url.QueryEscape("payout_"+string(e)), http.StatusSeeOther)
	return nil
}

// showPayout renders the payout page, with the error of a refused post
// beside the form that sent it when refused is not nil.
func (s *site) showPayout(w http.ResponseWriter, r *http.Request, refused *refusal) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if !handlesPayouts(u) {
		return apperr.New(apperr.Forbidden, msg("error.finance_only"))
	}
	ctx, lang := r.Context(), httpx.Lang(r)
	// PayoutHistory is grants' check that u may see this tranche's money.
	history, err := s.Grants.PayoutHistory(ctx, u, id)
	if err != nil {
		return err
	}
	p, err := s.Store.Payout(ctx, id)
	if err != nil {
		return err
	}
	app, err := s.Store.Application(ctx, p.ApplicationID)
	if err != nil {
		return err
	}
	events, err := s.Grants.PayoutActions(ctx, u, p)
	if err != nil {
		return err
	}
	rec, err := s.payoutRecipient(ctx, p, map[int64]model.Recipient{})
	if err != nil {
		return err
	}
	v := payoutView{Action: payoutPath(id), CaseNumber: app.CaseNumber, Title: titleOr(app.Title, lang),
		Heading: sprintf(lang, "payout.heading", p.Position, app.CaseNumber)}
	if u.IsStaff() {
		v.CaseHref = appPath(app.ID)
	}
	v.Facts = []factView{
		{msg("payout.state").In(lang), workflow.Payout.StateLabel(workflow.State(p.State)).In(lang)},
		{msg("payout.amount").In(lang), p.AmountOre.String()},
		{msg("payout.share").In(lang), strconv.Itoa(p.SharePercent) + "\u00a0%"},
		{msg("payout.when").In(lang), dueText(p, lang)},
		{msg("payout.recipient").In(lang), recipientText(rec, lang)},
	}
	if p.Recipient != nil {
		v.Facts[4].Label = msg("payout.recipient_attested").In(lang)
	}
	if p.ERPReference != "" {
		v.Facts = append(v.Facts, factView{msg("field.erp_reference").In(lang), p.ERPReference},
			factView{msg("field.paid_on").In(lang), civilDate(p.PaidOn)})
	}
	v.Summary = []factView{
		{msg("apps.case_number").In(lang), app.CaseNumber},
		{msg("apps.app_title").In(lang), titleOr(app.Title, lang)},
		{msg("field.unit").In(lang), app.Unit},
		{msg("apps.state").In(lang), workflow.Application.StateLabel(app.State).In(lang)},
		{msg("field.summary").In(lang), app.Summary},
	}
	for _, h := range history {
		v.History = append(v.History, payoutHistoryRow(h, lang))
	}
	today := s.now().In(workflow.Oslo).Format(time.DateOnly)
	for _, e := range events {
		f := payoutForm{Event: string(e), Label: workflow.Payout.EventLabel(e).In(lang)}
		switch e {
		case workflow.Attest:
			f.Confirm = true
		case workflow.Authorise:
			f.Booking, f.PaidOn, f.DateField = true, today, "paid_on"
		case workflow.SendBack:
			f.Comment, f.CommentLabel = true, msg("payout.send_back_reason").In(lang)
		case workflow.Cancel:
			f.Comment, f.CommentLabel, f.Danger = true, msg("payout.cancel_reason").In(lang), true
		}
		if refused != nil && refused.form == f.Event {
			f.ERPReference, f.Typed = refused.input.Get("erp_reference"), refused.input.Get("comment")
			if refused.input.Has(f.DateField) {
				f.PaidOn = refused.input.Get(f.DateField)
			}
			f.Errors = translateFields(refused.err.Fields, lang)
			v.Errors = summarize(refused.err.Fields, lang, func(name string) string {
				switch name {
				case "attestation":
					return "#" + f.ID("confirm")
				case "erp_reference", "paid_on", "repaid_on", "comment":
					return "#" + f.ID(name)
				}
				return ""
			})
		}
		v.Forms = append(v.Forms, f)
	}
	status := http.StatusOK
	if refused != nil {
		status = apperr.Status(refused.err)
		v.Message = refused.err.Message.In(lang)
	} else if done := r.URL.Query().Get("done"); done != "" {
		if t, ok := catalog["done."+done]; ok {
			v.Flash = t.In(lang)
		}
	}
	return s.render(w, r, page{Status: status, Template: "payout", Title: v.Heading, Nav: "finance", Back: payoutPath(id), Data: v})
}

// payoutHistoryRow is one line of a tranche's history.
func payoutHistoryRow(h model.HistoryEntry, lang i18n.Lang) historyRow {
	row := historyRow{At: osloTime(h.At), Actor: h.ActorName, Comment: h.Comment,
		To: workflow.Payout.StateLabel(workflow.State(h.To)).In(lang)}
	switch e := workflow.Event(h.Event); {
	case e == workflow.CreatePayout:
		row.Event = msg("payout.created").In(lang)
	case workflow.Payout.KnownEvent(e):
		row.Event = workflow.Payout.EventLabel(e).In(lang)
	default:
		row.Event = h.Event
	}
	if row.Actor == "" {
		row.Actor = msg("history.system").In(lang)
	}
	if h.From != "" && h.From != h.To {
		row.From = workflow.Payout.StateLabel(workflow.State(h.From)).In(lang)
	}
	return row
}
