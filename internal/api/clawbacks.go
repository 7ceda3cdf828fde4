package api

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// clawbackRequest is the body of a demand for repayment.
type clawbackRequest struct {
	AmountOre money.Ore `json:"amount_ore"`
	Reason    string    `json:"reason"`
}

func (a *api) raiseClawback(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var body clawbackRequest
	if err := httpx.DecodeJSON(w, r, &body); err != nil {
		return err
	}
	c, err := a.grants.RaiseClawback(r.Context(), u, id, body.AmountOre, body.Reason, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/applications/"+strconv.FormatInt(id, 10)+"/clawbacks")
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (a *api) listClawbacks(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	cs, err := a.grants.Clawbacks(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": cs})
	return nil
}

func (a *api) fireClawback(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in grants.ClawbackInput
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	c, err := a.grants.FireClawback(r.Context(), u, id, workflow.Event(chi.URLParam(r, "event")), in, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}
