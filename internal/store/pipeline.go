package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// pipeline gathers statements of a transaction that do not depend on each
// other's results, each with how to read its result, and sends them to
// PostgreSQL in one round trip. An event's writes (the row, its history
// row, its notifications, its Idempotency-Key) go together this way.
type pipeline struct {
	batch pgx.Batch
	reads []func(pgx.BatchResults) error
}

// queue adds a statement whose result read takes from the batch's results.
func (p *pipeline) queue(read func(pgx.BatchResults) error, sql string, args ...any) {
	p.batch.Queue(sql, args...)
	p.reads = append(p.reads, read)
}

// exec adds a statement whose result is only its success.
func (p *pipeline) exec(sql string, args ...any) {
	p.queue(func(br pgx.BatchResults) error {
		_, err := br.Exec()
		return translate(err)
	}, sql, args...)
}

// send sends the statements and reads their results in order, stopping at
// the first failure.
func (p *pipeline) send(ctx context.Context, tx pgx.Tx) error {
	if len(p.reads) == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, &p.batch)
	for _, read := range p.reads {
		if err := read(br); err != nil {
			_ = br.Close()
			return err
		}
	}
	return translate(br.Close())
}

// sendCommitting is send with the transaction's COMMIT in the same round
// trip, for statements that take a lock every other transaction of their
// kind waits for: the lock is then held for the server's own work and the
// commit, and not also for a round trip to the client and back, which on
// a busy machine is the longer part. An empty transaction is opened after
// the COMMIT for Transact's own COMMIT to close, which writes nothing (a
// COMMIT with no transaction would put a warning in the server's log).
func (p *pipeline) sendCommitting(ctx context.Context, tx pgx.Tx) error {
	p.exec("COMMIT")
	p.exec("BEGIN")
	return p.send(ctx, tx)
}
