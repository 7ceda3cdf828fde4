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

func clawbackPath(id int64) string { return "/clawbacks/" + strconv.FormatInt(id, 10) }

// clawbackPage shows a demand for repayment with finance's forms: record
// the repayment, or write the demand off.
func (s *site) clawbackPage(w http.ResponseWriter, r *http.Request) error {
	return s.showClawback(w, r, nil)
}

// fireClawback carries out the claw-back event the form names.
func (s *site) fireClawback(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	e := workflow.Event(r.PostFormValue("event"))
	in := grants.ClawbackInput{Comment: r.PostFormValue("comment"), ERPReference: r.PostFormValue("erp_reference"),
		RepaidOn: r.PostFormValue("repaid_on")}
	if _, err := s.Grants.FireClawback(r.Context(), u, id, e, in, httpx.RequestID(r.Context())); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showClawback(w, r, &refusal{form: string(e), input: r.PostForm, err: apperr.As(err)})
	}
	http.Redirect(w, r, clawbackPath(id)+"?done="+url.QueryEscape("clawback_"+string(e)), http.StatusSeeOther)
	return nil
}

func (s *site) showClawback(w http.ResponseWriter, r *http.Request, refused *refusal) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if !handlesPayouts(u) {
		return apperr.New(apperr.Forbidden, msg("error.finance_only"))
	}
	ctx, lang := r.Context(), httpx.Lang(r)
	history, err := s.Grants.ClawbackHistory(ctx, u, id)
	if err != nil {
		return err
	}
	c, err := s.Store.Clawback(ctx, id)
	if err != nil {
		return err
	}
	app, err := s.Store.Application(ctx, c.ApplicationID)
	if err != nil {
		return err
	}
	events, err := s.Grants.ClawbackActions(ctx, u, c)
	if err != nil {
		return err
	}
	v := payoutView{Action: clawbackPath(id), CaseNumber: app.CaseNumber, Title: titleOr(app.Title, lang),
		Heading: sprintf(lang, "clawback.heading", app.CaseNumber)}
	if u.IsStaff() {
		v.CaseHref = appPath(app.ID)
	}
	v.Facts = []factView{
		{msg("payout.state").In(lang), workflow.Clawback.StateLabel(workflow.State(c.State)).In(lang)},
		{msg("payout.amount").In(lang), c.AmountOre.String()},
		{msg("clawback.reason").In(lang), c.Reason},
		{msg("clawback.raised").In(lang), osloTime(c.RaisedAt)},
		{msg("payout.recipient").In(lang), recipientText(app.Recipient, lang)},
	}
	if c.ERPReference != "" {
		v.Facts = append(v.Facts, factView{msg("field.erp_reference").In(lang), c.ERPReference},
			factView{msg("field.repaid_on").In(lang), civilDate(c.RepaidOn)})
	}
	v.Summary = []factView{
		{msg("apps.case_number").In(lang), app.CaseNumber},
		{msg("apps.app_title").In(lang), titleOr(app.Title, lang)},
		{msg("field.unit").In(lang), app.Unit},
		{msg("apps.state").In(lang), workflow.Application.StateLabel(app.State).In(lang)},
	}
	for _, h := range history {
		v.History = append(v.History, clawbackHistoryRow(h, lang))
	}
	today := s.now().In(workflow.Oslo).Format(time.DateOnly)
	for _, e := range events {
		f := payoutForm{Event: string(e), Label: workflow.Clawback.EventLabel(e).In(lang)}
		switch e {
		case workflow.Repay:
			f.Booking, f.PaidOn, f.DateField = true, today, "repaid_on"
		case workflow.WriteOff:
			f.Comment, f.CommentLabel, f.Danger = true, msg("clawback.write_off_reason").In(lang), true
		}
		if refused != nil && refused.form == f.Event {
			f.ERPReference, f.Typed = refused.input.Get("erp_reference"), refused.input.Get("comment")
			if refused.input.Has(f.DateField) {
				f.PaidOn = refused.input.Get(f.DateField)
			}
			f.Errors = translateFields(refused.err.Fields, lang)
			v.Errors = summarize(refused.err.Fields, lang, func(name string) string {
				switch name {
				case "erp_reference", "repaid_on", "comment":
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
	return s.render(w, r, page{Status: status, Template: "payout", Title: v.Heading, Nav: "finance", Back: clawbackPath(id), Data: v})
}

// clawbackHistoryRow is one line of a demand's history.
func clawbackHistoryRow(h model.HistoryEntry, lang i18n.Lang) historyRow {
	row := historyRow{At: osloTime(h.At), Actor: h.ActorName, Comment: h.Comment,
		To: workflow.Clawback.StateLabel(workflow.State(h.To)).In(lang)}
	switch e := workflow.Event(h.Event); {
	case e == workflow.RaiseClawback:
		row.Event = workflow.RaiseClawbackLabel.In(lang)
	case workflow.Clawback.KnownEvent(e):
		row.Event = workflow.Clawback.EventLabel(e).In(lang)
	default:
		row.Event = h.Event
	}
	if row.Actor == "" {
		row.Actor = msg("history.system").In(lang)
	}
	if h.From != "" && h.From != h.To {
		row.From = workflow.Clawback.StateLabel(workflow.State(h.From)).In(lang)
	}
	return row
}
