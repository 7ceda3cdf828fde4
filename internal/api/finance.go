package api

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// Payouts, payout plans and recipients. Claw-backs are in clawbacks.go,
// ERP export batches in exports.go.

// payoutQueue is a page of a finance queue; NextAfter continues it.
type payoutQueue struct {
	Items     []model.PayoutItem `json:"items"`
	NextAfter *int64             `json:"next_after"`
}

// queuePage is the longest page of a finance queue (grants.PayoutQueue's).
const queuePage = 200

// afterParam reads the optional ?after= cursor.
func afterParam(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("after")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, &apperr.Error{Kind: apperr.BadRequest, Message: i18n.T("Ugyldige parametre.", "Invalid query parameters."),
			Fields: map[string]i18n.Text{"after": i18n.T("Må være et positivt heltall.", "Must be a positive integer.")}}
	}
	return n, nil
}

func (a *api) payoutQueue(w http.ResponseWriter, r *http.Request, u model.User) error {
	after, err := afterParam(r)
	if err != nil {
		return err
	}
	items, err := a.grants.PayoutQueue(r.Context(), u, workflow.State(r.URL.Query().Get("state")), after)
	if err != nil {
		return err
	}
	q := payoutQueue{Items: items}
	if len(items) == queuePage {
		last := items[len(items)-1].ID
		q.NextAfter = &last
	}
	httpx.WriteJSON(w, http.StatusOK, q)
	return nil
}

func (a *api) listPayouts(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	ps, err := a.grants.Payouts(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": ps})
	return nil
}

func (a *api) firePayout(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in grants.PayoutInput
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	p, err := a.grants.FirePayout(r.Context(), u, id, workflow.Event(chi.URLParam(r, "event")), in, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

// payoutPlan is the body of PUT payout-plan, and its answer.
type payoutPlan struct {
	Tranches []model.PlanTranche `json:"tranches"`
}

func (a *api) putPayoutPlan(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var body payoutPlan
	if err := httpx.DecodeJSON(w, r, &body); err != nil {
		return err
	}
	plan, err := a.grants.AdjustPayoutPlan(r.Context(), u, id, body.Tranches, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, payoutPlan{Tranches: plan})
	return nil
}

func (a *api) putRecipient(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var rec model.Recipient
	if err := httpx.DecodeJSON(w, r, &rec); err != nil {
		return err
	}
	app, err := a.grants.SetRecipient(r.Context(), u, id, rec, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, app)
	return nil
}
