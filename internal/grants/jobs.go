package grants

import (
	"context"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// maxFailedJobs is how many failed background jobs an admin is shown.
const maxFailedJobs = 200

// FailedJobs lists, for administrators, the background jobs whose last
// attempt failed, retrying or given up, newest first.
func (s *Service) FailedJobs(ctx context.Context, u model.User) ([]store.JobTrouble, error) {
	if !u.Has(workflow.Admin) {
		return nil, apperr.New(apperr.Forbidden, i18n.T("Bare administratorer ser bakgrunnsjobbene.", "Only administrators see the background jobs."))
	}
	return s.Store.FailedJobs(ctx, maxFailedJobs)
}
