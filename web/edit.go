package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

func (s *site) newApplication(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if !u.Has(workflow.Applicant) {
		return apperr.New(apperr.Forbidden, msg("error.only_applicant"))
	}
	return s.showForm(w, r, nil, appForm{Unit: u.Unit}, formOutcome{})
}

func (s *site) createApplication(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	return s.save(w, r, u, nil, formFromPost(r.PostForm))
}

func (s *site) editApplication(w http.ResponseWriter, r *http.Request) error {
	u, app, err := s.pathApplication(r)
	if err != nil {
		return err
	}
	if app.ApplicantID != u.ID {
		return apperr.New(apperr.Forbidden, msg("error.not_owner"))
	}
	if !app.Editable() {
		label := workflow.Application.StateLabel(app.State)
		return apperr.New(apperr.Conflict, i18n.Tt(msg("error.not_editable").NB, msg("error.not_editable").EN, label))
	}
	return s.showForm(w, r, &app, formFromApplication(app), formOutcome{saved: r.URL.Query().Get("done") == "saved"})
}

func (s *site) updateApplication(w http.ResponseWriter, r *http.Request) error {
	u, app, err := s.pathApplication(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	return s.save(w, r, u, &app, formFromPost(r.PostForm))
}

// pathApplication loads the application of the {id} in the path, as the
// signed-in user may see it.
func (s *site) pathApplication(r *http.Request) (model.User, model.Application, error) {
	u, err := signedIn(r)
	if err != nil {
		return u, model.Application{}, err
	}
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return u, model.Application{}, err
	}
	app, err := s.Grants.Application(r.Context(), u, id)
	return u, app, err
}

// save creates (cur == nil) or updates an application from the posted
// form, and submits it when the "save and submit" button was pressed.
func (s *site) save(w http.ResponseWriter, r *http.Request, u model.User, cur *model.Application, f appForm) error {
	ctx, requestID := r.Context(), httpx.RequestID(r.Context())
	fields, bad := f.fields()
	if len(bad) > 0 {
		// An amount that is not one cannot be saved; show it together with
		// whatever else is wrong, so that one round trip finds everything.
		for name, text := range fields.Check() {
			if _, ok := bad[name]; !ok {
				bad[name] = text
			}
		}
		return s.showForm(w, r, cur, f, formOutcome{err: apperr.Fields(bad)})
	}
	var app model.Application
	var err error
	if cur == nil {
		app, err = s.Grants.CreateApplication(ctx, u, fields, requestID)
	} else {
		app, err = s.Grants.UpdateApplication(ctx, u, cur.ID, fields, f.Version, requestID)
	}
	if err != nil {
		if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.Conflict {
			return err
		}
		return s.showForm(w, r, cur, f, formOutcome{err: apperr.As(err)})
	}
	if r.PostFormValue("action") != "submit" {
		http.Redirect(w, r, appPath(app.ID)+"/edit?done=saved", http.StatusSeeOther)
		return nil
	}
	e := workflow.Submit
	if app.State == workflow.Returned {
		e = workflow.Resubmit
	}
	if _, err := s.Grants.Fire(ctx, u, app.ID, e, "", requestID); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showForm(w, r, &app, formFromApplication(app), formOutcome{err: apperr.As(err), notSubmitted: true})
	}
	http.Redirect(w, r, appPath(app.ID)+"?done="+string(e), http.StatusSeeOther)
	return nil
}

// formOutcome is what happened to the last post of the form.
type formOutcome struct {
	err          *apperr.Error
	notSubmitted bool // saved, but the submission was refused
	saved        bool
}

// showForm renders the form for a new application (cur == nil) or for cur.
func (s *site) showForm(w http.ResponseWriter, r *http.Request, cur *model.Application, f appForm, out formOutcome) error {
	lang := httpx.Lang(r)
	v := formView{Action: "/applications", Cancel: "/applications", Form: f}
	title := msg("form.new_title").In(lang)
	var current int64
	if cur != nil {
		v.Action, v.Cancel = appPath(cur.ID)+"/edit", appPath(cur.ID)
		v.Attachments = appPath(cur.ID) + "#h-attachments"
		title = fmt.Sprintf(msg("form.edit_title").In(lang), cur.CaseNumber)
		current = cur.CallID
	}
	calls, err := s.callOptions(r.Context(), lang, current, f.CallID)
	if err != nil {
		return err
	}
	v.Calls, v.NoCalls = calls, len(calls) == 0
	v.External = f.OrgNumber != "" || f.AccountNumber != "" ||
		slices.ContainsFunc(calls, func(c callOption) bool { return c.Selected && c.External })
	v.Form.Budget = append(slices.Clone(f.Budget), make([]budgetRow, blankBudgetRows)...)
	status := http.StatusOK
	if out.err != nil {
		status = apperr.Status(out.err)
		v.Errors = translateFields(out.err.Fields, lang)
		v.Summary = summarize(out.err.Fields, lang, func(name string) string { return "#" + fieldID(name) })
		v.Message = out.err.Message.In(lang)
		if out.notSubmitted {
			v.Message = msg("error.not_submitted").In(lang) + " " + v.Message
		}
	} else if out.saved {
		v.Flash = msg("done.saved").In(lang)
	}
	return s.render(w, r, page{Status: status, Template: "form", Title: title, Nav: "applications", Data: v})
}

// callOptions lists the open calls, plus the application's own call when it
// has closed since, marking the one chosen.
func (s *site) callOptions(ctx context.Context, lang i18n.Lang, current int64, chosen string) ([]callOption, error) {
	calls, err := s.Grants.OpenCalls(ctx)
	if err != nil {
		return nil, err
	}
	if current != 0 && !slices.ContainsFunc(calls, func(c model.Call) bool { return c.ID == current }) {
		c, err := s.Store.CallByID(ctx, current)
		switch {
		case err == nil:
			calls = append([]model.Call{c}, calls...)
		case !store.IsNotFound(err):
			return nil, err
		}
	}
	sel, _ := strconv.ParseInt(chosen, 10, 64)
	opts := make([]callOption, 0, len(calls))
	for _, c := range calls {
		opts = append(opts, callOption{ID: c.ID, Selected: c.ID == sel, External: c.ExternalRecipients,
			Label: fmt.Sprintf(msg("form.deadline").In(lang), c.Title, osloTime(c.ClosesAt))})
	}
	return opts, nil
}
