package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/httpx"
	"nyttig/internal/summary"
	"nyttig/workflow"
)

// The public annual summaries: a list anyone may read, signed in or not,
// and the PDF of each published summary. Nothing unpublished is served.

func (s *site) publicSummaryRoutes(r chi.Router) {
	r.Get("/public/summaries", s.handle(s.publicSummaries))
	r.Get("/public/summaries/{id}/{file}", s.handle(s.publicSummaryFile))
}

func publicSummaryPath(fundID int64, year int) string {
	return "/public/summaries/" + strconv.FormatInt(fundID, 10) + "/" + strconv.Itoa(year) + ".pdf"
}

type publicSummaryRow struct {
	Fund, Municipality, Year, Published, Href string
}

func (s *site) publicSummaries(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Grants.PublishedSummaries(r.Context())
	if err != nil {
		return err
	}
	rows := make([]publicSummaryRow, 0, len(list))
	for _, p := range list {
		rows = append(rows, publicSummaryRow{Fund: p.Fund, Municipality: p.Municipality, Year: strconv.Itoa(p.Year),
			Published: osloDate(p.PublishedAt), Href: publicSummaryPath(p.FundID, p.Year)})
	}
	return s.render(w, r, page{Template: "public_summaries", Title: msg("public_summaries.title").In(httpx.Lang(r)), Data: rows})
}

func (s *site) publicSummaryFile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	year, format, err := summaryYearFile(chi.URLParam(r, "file"), summary.FormatPDF)
	if err != nil {
		return err
	}
	f, err := s.Grants.PublishedSummary(r.Context(), id, year)
	if err != nil {
		return err
	}
	return writeSummary(w, f, format, httpx.Lang(r))
}

// osloDate formats t as a Norwegian date, 24.11.2026, in Oslo.
func osloDate(t time.Time) string { return t.In(workflow.Oslo).Format("02.01.2006") }
