package store

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The responses of requests with an Idempotency-Key are saved after the
// response is written, off the request's path, many to a statement: a
// request pays for its key's row in its own transaction (the claim) and
// for nothing else. A save lost to a crash is made good by the result the
// effect's transaction noted with the key (api/replay.go).

// keptResponse is one response to save, or, with flushed set, a marker
// that is closed once everything queued before it is saved.
type keptResponse struct {
	userID      int64
	key         string
	status      int
	contentType string
	body        []byte
	flushed     chan struct{}
}

// keeper saves kept responses in the background.
type keeper struct {
	pool     *pgxpool.Pool
	queue    chan keptResponse
	stopping chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

// keeperBatch is the most responses one statement saves.
const keeperBatch = 256

func startKeeper(pool *pgxpool.Pool) *keeper {
	k := &keeper{pool: pool, queue: make(chan keptResponse, 4*keeperBatch),
		stopping: make(chan struct{}), stopped: make(chan struct{})}
	go k.run()
	return k
}

// KeepResponse queues the response of a request whose claim committed, to
// be saved for its key; it returns at once (it waits only when the queue
// is full, which is when the database is behind).
func (s *Store) KeepResponse(userID int64, key string, status int, contentType string, body []byte) {
	s.keeper.put(keptResponse{userID: userID, key: key, status: status, contentType: contentType, body: body})
}

// SaveResponse saves the response of a request whose claim committed for
// its key now, before the response is sent: for routes whose retry cannot
// be answered from a noted result. A failure is logged; the retry then
// gets 409, as after a crash.
func (s *Store) SaveResponse(ctx context.Context, userID int64, key string, status int, contentType string, body []byte) {
	if _, err := s.pool.Exec(ctx, `UPDATE idempotency_keys SET status = $3, content_type = $4, response = $5
		WHERE user_id = $1 AND key = $2 AND status IS NULL`, userID, key, status, contentType, body); err != nil {
		slog.Warn("saving an idempotent response failed; its retries will be answered 409", "err", err)
	}
}

// FlushKeptResponses waits until the responses this process queued so far
// are saved (or failed to be), so that a lookup after it sees them.
func (s *Store) FlushKeptResponses(ctx context.Context) {
	done := make(chan struct{})
	s.keeper.put(keptResponse{flushed: done})
	select {
	case <-done:
	case <-s.keeper.stopped:
	case <-ctx.Done():
	}
}

func (k *keeper) put(r keptResponse) {
	select {
	case k.queue <- r:
	case <-k.stopping:
	}
}

// stop saves what is queued and ends the keeper.
func (k *keeper) stop() {
	k.stopOnce.Do(func() { close(k.stopping) })
	<-k.stopped
}

func (k *keeper) run() {
	defer close(k.stopped)
	for {
		select {
		case r := <-k.queue:
			k.save(k.drain([]keptResponse{r}))
		case <-k.stopping:
			k.save(k.drain(nil))
			return
		}
	}
}

// drain adds to batch what is queued, without waiting, up to a batch.
func (k *keeper) drain(batch []keptResponse) []keptResponse {
	for len(batch) < keeperBatch {
		select {
		case r := <-k.queue:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// save writes a batch in one transaction that does not wait for its WAL to
// reach the disk, and then releases the flush markers in it.
func (k *keeper) save(batch []keptResponse) {
	var users []int64
	var keys, types []string
	var statuses []int32
	var bodies [][]byte
	for _, r := range batch {
		if r.flushed == nil {
			users, keys, statuses = append(users, r.userID), append(keys, r.key), append(statuses, int32(r.status))
			types, bodies = append(types, r.contentType), append(bodies, r.body)
		}
	}
	if len(users) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		b := &pgx.Batch{}
		b.Queue("BEGIN")
		b.Queue("SET LOCAL synchronous_commit TO OFF")
		b.Queue(`UPDATE idempotency_keys k SET status = v.status, content_type = v.content_type, response = v.response
			FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::bytea[]) AS v(user_id, key, status, content_type, response)
			WHERE k.user_id = v.user_id AND k.key = v.key AND k.status IS NULL`, users, keys, statuses, types, bodies)
		b.Queue("COMMIT")
		if err := k.pool.SendBatch(ctx, b).Close(); err != nil {
			slog.Warn("saving idempotent responses failed; retries will be answered from the noted results",
				"responses", len(users), "err", err)
		}
		cancel()
	}
	for _, r := range batch {
		if r.flushed != nil {
			close(r.flushed)
		}
	}
}
