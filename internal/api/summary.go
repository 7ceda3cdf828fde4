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
	"nyttig/internal/summary"
)

var msgBadFormat = i18n.T("Ukjent format: velg pdf, csv eller json.", "Unknown format: choose pdf, csv or json.")

// yearParam reads the {year} of a path.
func yearParam(r *http.Request) (int, error) {
	y, err := strconv.Atoi(chi.URLParam(r, "year"))
	if err != nil {
		y = 0
	}
	return y, grants.ValidYear(y)
}

// summaryLang is ?lang= when given, else the request's language.
func summaryLang(r *http.Request) i18n.Lang {
	if q := r.URL.Query().Get("lang"); q != "" {
		return i18n.Parse(q)
	}
	return httpx.Lang(r)
}

func (a *api) annualSummary(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	format, ok := summary.ParseFormat(r.URL.Query().Get("format"))
	if !ok {
		return &apperr.Error{Kind: apperr.BadRequest, Message: msgBadFormat, Fields: map[string]i18n.Text{"format": msgBadFormat}}
	}
	f, err := a.grants.AnnualSummary(r.Context(), u, id, year)
	if err != nil {
		return err
	}
	return writeSummary(w, f, format, summaryLang(r))
}

func writeSummary(w http.ResponseWriter, f summary.Figures, format summary.Format, lang i18n.Lang) error {
	b, err := summary.Render(f, format, lang)
	if err != nil {
		return apperr.Wrap(apperr.Internal, i18n.T("Kunne ikke lage årsoversikten.", "Could not make the annual summary."), err)
	}
	httpx.WriteDownload(w, summary.FileName(f, format), format.ContentType(), b)
	return nil
}

func (a *api) publishSummary(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	p, err := a.grants.PublishSummary(r.Context(), u, id, year)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}
