package api

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

// The public projects (no authentication), an application's publication
// setting, and the innovation prize.

// intQuery reads an optional whole-number query parameter; absent is 0.
func intQuery(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, &apperr.Error{Kind: apperr.BadRequest, Message: i18n.Tf("Ugyldig %s.", "Invalid %s.", name),
			Fields: map[string]i18n.Text{name: i18n.T("Skriv et positivt heltall.", "Write a positive whole number.")}}
	}
	return n, nil
}

func (a *api) publicProjects(w http.ResponseWriter, r *http.Request) error {
	year, err := intQuery(r, "year")
	if err != nil {
		return err
	}
	page, err := intQuery(r, "page")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p, err := a.grants.PublicProjects(r.Context(), model.PublicFilter{Query: q.Get("q"), Year: year, Unit: q.Get("unit"), Page: page})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *api) publicProject(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	p, err := a.grants.PublicProject(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *api) putPublication(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in model.PublicationInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := a.grants.PutPublication(r.Context(), u, id, in, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

// prizeParams reads the fund id and the year of a prize route.
func prizeParams(r *http.Request) (int64, int, error) {
	id, err := idParam(r)
	if err != nil {
		return 0, 0, err
	}
	year, err := strconv.Atoi(chi.URLParam(r, "year"))
	if err != nil || year < 2000 || year > 2200 {
		return 0, 0, &apperr.Error{Kind: apperr.BadRequest, Message: i18n.T("Ugyldig år.", "Invalid year."),
			Fields: map[string]i18n.Text{"year": i18n.T("Skriv året med fire sifre.", "Write the year with four digits.")}}
	}
	return id, year, nil
}

func (a *api) prizeNominees(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, year, err := prizeParams(r)
	if err != nil {
		return err
	}
	ns, err := a.grants.PrizeNominees(r.Context(), u, id, year)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": ns})
	return nil
}

func (a *api) putPrize(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, year, err := prizeParams(r)
	if err != nil {
		return err
	}
	var in model.PrizeInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := a.grants.PutPrize(r.Context(), u, id, year, in, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}
