package web

import (
	"net/http"

	"nyttig/internal/httpx"
)

// The administrators' view of the background jobs that failed: mail that
// could not be sent, a reminder run that met a database fault. River
// retries each with backoff; this page shows what is retrying and what
// was given up, with its last error.

type jobRow struct {
	ID                    int64
	Kind, Args, State     string
	Attempts, Error       string
	FailedAt, NextAttempt string
	GivenUp               bool
}

type jobsView struct {
	Rows []jobRow
}

func (s *site) failedJobs(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	jobs, err := s.Grants.FailedJobs(r.Context(), u)
	if err != nil {
		return err
	}
	var v jobsView
	for _, j := range jobs {
		row := jobRow{ID: j.ID, Kind: j.Kind, Args: j.Args, Error: j.LastError, FailedAt: osloTime(j.FailedAt),
			Attempts: sprintf(lang, "jobs.attempts", j.Attempt, j.MaxAttempts), GivenUp: j.State == "discarded"}
		if row.GivenUp {
			row.State = msg("jobs.given_up").In(lang)
		} else {
			row.State = msg("jobs.retrying").In(lang)
			row.NextAttempt = osloTime(j.NextAttempt)
		}
		v.Rows = append(v.Rows, row)
	}
	return s.render(w, r, page{Template: "jobs", Title: msg("jobs.title").In(lang), Nav: "jobs", Data: v})
}
