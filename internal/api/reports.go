package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/httpx"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// Progress and final reports, the overdue list, and the unit leader's
// end-of-project evaluation.

func (a *api) listReports(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	rs, err := a.grants.Reports(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": rs})
	return nil
}

func (a *api) overdueReports(w http.ResponseWriter, r *http.Request, u model.User) error {
	rs, err := a.grants.OverdueReports(r.Context(), u)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": rs})
	return nil
}

func (a *api) putReport(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var c model.ReportContent
	if err := httpx.DecodeJSON(w, r, &c); err != nil {
		return err
	}
	rep, err := a.grants.UpdateReport(r.Context(), u, id, c, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (a *api) fireReport(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in struct {
		Comment string `json:"comment"`
	}
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	rep, err := a.grants.FireReport(r.Context(), u, id, workflow.Event(chi.URLParam(r, "event")), in.Comment, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (a *api) putEvaluation(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var f model.EvaluationFields
	if err := httpx.DecodeJSON(w, r, &f); err != nil {
		return err
	}
	ev, err := a.grants.PutEvaluation(r.Context(), u, id, f, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, ev)
	return nil
}
