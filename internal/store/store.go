// Package store owns Nyttig's PostgreSQL database: the connection pool, the
// migrations, and every SQL statement, written by hand on pgx v5. Methods
// return model types and apperr errors; a database fault becomes Unavailable.
package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
)

// Store is the database.
type Store struct {
	pool   *pgxpool.Pool
	jobs   *river.Client[pgx.Tx] // inserts jobs in the caller's transaction (outbox.go)
	keeper *keeper               // saves idempotent responses (keeper.go)
}

// Open connects to the database at url. It does not wait for the server:
// a server that is down makes requests fail with Unavailable until it is up.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	cfg.HealthCheckPeriod = 5 * time.Second
	cfg.MaxConnIdleTime = time.Minute
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	s := &Store{pool: pool}
	if s.jobs, err = newJobInserter(s); err != nil {
		pool.Close()
		return nil, err
	}
	s.keeper = startKeeper(pool)
	return s, nil
}

// Close saves the responses still queued and closes every connection.
func (s *Store) Close() {
	s.keeper.stop()
	s.pool.Close()
}

// Pool exposes the pool to the tests and tools that need raw SQL.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var one int
	if err := s.pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return translate(err)
	}
	return nil
}

// Transact runs fn in a transaction and commits it, retrying a few times when
// PostgreSQL reports a serialization failure or deadlock. fn must not have
// effects outside the transaction. A pending idempotency claim in ctx is
// recorded at the end of the first transaction that runs, so the key and
// the effect commit together; fn notes what the effect produced with
// noteResult, and may send the claim with its last round trip
// (claimInPipeline).
func (s *Store) Transact(ctx context.Context, fn func(tx pgx.Tx) error) error {
	const attempts = 5
	var err error
	for i := 0; i < attempts; i++ {
		err = s.transactOnce(ctx, fn)
		if !retryable(err) {
			return err
		}
	}
	return err
}

func (s *Store) transactOnce(ctx context.Context, fn func(tx pgx.Tx) error) (err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return translate(err)
	}
	claim := claimFrom(ctx)
	claim.begin(tx)
	committed := false
	defer func() {
		claim.end(tx, committed)
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := claim.record(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return translate(err)
	}
	committed = true
	return nil
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

var (
	msgUnavailable = i18n.T("Databasen svarer ikke akkurat nå. Prøv igjen om litt.",
		"The database is not answering right now. Please try again shortly.")
	msgDuplicate = i18n.T("Dette finnes allerede.", "This already exists.")
)

// translate turns a pgx error into an apperr error. PostgreSQL refusing a
// statement is a bug (Internal) unless the code says otherwise; not reaching
// PostgreSQL at all is Unavailable.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Wrap(apperr.NotFound, i18n.T("Fant ikke det du ba om.", "Not found."), err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return apperr.Wrap(apperr.Conflict, msgDuplicate, err)
		case pe.Code == "40001" || pe.Code == "40P01":
			return err // left for Transact to retry
		case len(pe.Code) == 2+3 && (pe.Code[:2] == "08" || pe.Code[:2] == "53" || pe.Code[:2] == "57"):
			return apperr.Wrap(apperr.Unavailable, msgUnavailable, err)
		}
		return apperr.Wrap(apperr.Internal, i18n.T("Databasefeil.", "Database error."), err)
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ne) || errors.As(err, &ce) || pgconn.SafeToRetry(err) || errors.Is(err, context.DeadlineExceeded) {
		return apperr.Wrap(apperr.Unavailable, msgUnavailable, err)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	// A closed connection, a broken pipe: the database went away mid-request.
	return apperr.Wrap(apperr.Unavailable, msgUnavailable, err)
}
