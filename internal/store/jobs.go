package store

import (
	"context"
	"time"
)

// JobTrouble is a background job that failed: waiting to be retried, or
// given up after its last attempt. Admins see these (River keeps them in
// river_job).
type JobTrouble struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	Args string `json:"args"`
	// State is River's: discarded when it was given up; otherwise it
	// waits for its next attempt (retryable, or available when that is
	// imminent) or is in one (running).
	State       string    `json:"state"`
	Attempt     int       `json:"attempt"`
	MaxAttempts int       `json:"max_attempts"`
	LastError   string    `json:"last_error"`
	FailedAt    time.Time `json:"failed_at"`
	NextAttempt time.Time `json:"next_attempt"` // for retryable jobs
}

// FailedJobs lists the jobs whose last attempt failed, retrying or given
// up, newest first, at most limit.
func (s *Store) FailedJobs(ctx context.Context, limit int) ([]JobTrouble, error) {
	return collect[JobTrouble](s.pool.Query(ctx, `SELECT id, kind, args::text, state::text, attempt, max_attempts,
		COALESCE(errors[array_length(errors, 1)]->>'error', ''),
		COALESCE((errors[array_length(errors, 1)]->>'at')::timestamptz, attempted_at, created_at), scheduled_at
		FROM river_job WHERE state NOT IN ('completed', 'cancelled') AND cardinality(errors) > 0
		ORDER BY id DESC LIMIT $1`, limit))
}
