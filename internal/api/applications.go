package api

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// applicationPatch is the body of PATCH: the fields to change, and the
// version the client last saw (optional; 0 means "whatever is stored").
type applicationPatch struct {
	model.ApplicationFields
	Version int `json:"version"`
}

// applicationList is a page of applications; NextAfter continues it.
type applicationList struct {
	Items     []model.Application `json:"items"`
	NextAfter *int64              `json:"next_after"`
}

func (a *api) createApplication(w http.ResponseWriter, r *http.Request, u model.User) error {
	var f model.ApplicationFields
	if err := httpx.DecodeJSON(w, r, &f); err != nil {
		return err
	}
	app, err := a.grants.CreateApplication(r.Context(), u, f, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/applications/"+strconv.FormatInt(app.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, app)
	return nil
}

func (a *api) getApplication(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	app, err := a.grants.Application(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, app)
	return nil
}

// patchApplication merges the fields present in the body into the stored
// application: absent fields keep their values.
func (a *api) patchApplication(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	cur, err := a.grants.Application(r.Context(), u, id)
	if err != nil {
		return err
	}
	patch := applicationPatch{ApplicationFields: cur.ApplicationFields}
	// Start from fresh slices so a shorter list in the body replaces the old one.
	patch.BudgetLines, patch.Partners = nil, nil
	if err := httpx.DecodeJSON(w, r, &patch); err != nil {
		return err
	}
	if patch.BudgetLines == nil {
		patch.BudgetLines = cur.BudgetLines
	}
	if patch.Partners == nil {
		patch.Partners = cur.Partners
	}
	app, err := a.grants.UpdateApplication(r.Context(), u, id, patch.ApplicationFields, patch.Version, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, app)
	return nil
}

func (a *api) listApplications(w http.ResponseWriter, r *http.Request, u model.User) error {
	q := r.URL.Query()
	f := model.ApplicationFilter{State: workflow.State(q.Get("state")), Query: strings.TrimSpace(q.Get("q"))}
	bad := map[string]i18n.Text{}
	if utf8.RuneCountInString(f.Query) > 200 {
		bad["q"] = i18n.T("Søket kan ha høyst 200 tegn.", "The search can have at most 200 characters.")
	}
	if f.State != "" && !workflow.Application.KnownState(f.State) {
		bad["state"] = i18n.T("Ukjent status.", "Unknown state.")
	}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"call_id", &f.CallID}, {"after", &f.AfterID}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				bad[p.name] = i18n.T("Må være et positivt heltall.", "Must be a positive integer.")
			}
			*p.dst = n
		}
	}
	f.Limit = 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			bad["limit"] = i18n.T("Må være mellom 1 og 200.", "Must be between 1 and 200.")
		}
		f.Limit = n
	}
	if len(bad) > 0 {
		return &apperr.Error{Kind: apperr.BadRequest, Message: i18n.T("Ugyldige parametre.", "Invalid query parameters."), Fields: bad}
	}
	items, err := a.grants.Applications(r.Context(), u, f)
	if err != nil {
		return err
	}
	list := applicationList{Items: items}
	if len(items) == f.Limit {
		last := items[len(items)-1].ID
		list.NextAfter = &last
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (a *api) history(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	h, err := a.grants.History(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": h})
	return nil
}

func (a *api) fireEvent(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	var body grants.EventInput
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &body); err != nil {
			return err
		}
	}
	app, err := a.grants.FireWith(r.Context(), u, id, workflow.Event(chi.URLParam(r, "event")), body, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, app)
	return nil
}
