package store

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"nyttig/migrations"
)

// migrationLock is the advisory lock key held while migrating ("nyttig" in
// ASCII), so instances starting together apply each migration once.
const migrationLock = 0x6e7974746967

// Migrate applies the embedded migrations that have not run yet, each in its
// own transaction, under a session-level advisory lock, and then River's
// (the job queue's) own.
//
// A small runner rather than jackc/tern: our migrations only ever go
// forward, are plain SQL embedded in the binary, and need nothing but
// ordering, a record of what ran and the lock — about fifty lines that
// avoid a dependency with its own templating and config format.
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, translate(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return nil, translate(err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock) //nolint:errcheck // the lock dies with the session anyway

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, translate(err)
	}
	names, err := fs.Glob(migrations.Files, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		var done bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)", name).Scan(&done); err != nil {
			return applied, translate(err)
		}
		if done {
			continue
		}
		sql, err := fs.ReadFile(migrations.Files, name)
		if err != nil {
			return applied, err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (name) VALUES ($1)", name)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", strings.TrimSuffix(name, ".sql"), err)
		}
		applied = append(applied, name)
	}
	return applied, migrateJobQueue(ctx, s)
}
