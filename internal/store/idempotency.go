package store

import (
	"bytes"
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
)

// IdempotentResponse is a response kept for an Idempotency-Key.
type IdempotentResponse struct {
	RequestHash []byte
	Done        bool // false: the effect committed but the response was not saved
	Status      int
	ContentType string
	Body        []byte
	// Result is what the effect produced, noted in its own transaction;
	// zero when the request is still running or its effect notes none.
	Result Result
}

// Result names the resource a request with an Idempotency-Key created or
// moved, so that a retry whose response was lost can be answered from it.
type Result struct {
	Kind ResultKind
	ID   int64
}

// ResultKind is the kind of resource a Result names.
type ResultKind string

// The kinds of result the store's effects note.
const (
	ResultApplication ResultKind = "application"
	ResultReport      ResultKind = "report"
	ResultPayout      ResultKind = "payout"
	ResultClawback    ResultKind = "clawback"
	ResultAttachment  ResultKind = "attachment"
	// ResultPayoutExport is a batch of payments for the ERP system.
	ResultPayoutExport ResultKind = "payout_export"
)

// Claim is an Idempotency-Key that the next transaction records together
// with its effect. It lives in a request's context.
type Claim struct {
	userID   int64
	key      string
	hash     []byte
	consumed bool
	// tx is the transaction that recorded the key and has not yet
	// committed or rolled back: the one whose result noteResult may note.
	tx pgx.Tx
}

type claimKey struct{}

// WithClaim returns a context whose first transaction records the key. The
// Claim tells afterwards whether any transaction did.
func WithClaim(ctx context.Context, userID int64, key string, requestHash []byte) (context.Context, *Claim) {
	c := &Claim{userID: userID, key: key, hash: requestHash}
	return context.WithValue(ctx, claimKey{}, c), c
}

func claimFrom(ctx context.Context) *Claim {
	c, _ := ctx.Value(claimKey{}).(*Claim)
	return c
}

// Consumed reports whether a transaction recorded the key.
func (c *Claim) Consumed() bool { return c.consumed }

var msgKeyInFlight = i18n.T("En forespørsel med samme Idempotency-Key behandles allerede.",
	"A request with the same Idempotency-Key is already being processed.")

func (c *Claim) record(ctx context.Context, tx pgx.Tx) error {
	tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, c.userID, c.key, c.hash)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return apperr.New(apperr.Conflict, msgKeyInFlight)
	}
	c.tx = tx
	return nil
}

// noteResult notes, in tx, that the request whose claim is in ctx produced
// the resource kind/id. It does nothing without a claim, or when tx is not
// the transaction that recorded the claim (an effect after the first
// transaction of a request is not what its key stands for).
func noteResult(ctx context.Context, tx pgx.Tx, kind ResultKind, id int64) error {
	c := claimFrom(ctx)
	if c == nil || c.tx != tx {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE idempotency_keys SET result_kind = $3, result_id = $4
		WHERE user_id = $1 AND key = $2`, c.userID, c.key, string(kind), id)
	return translate(err)
}

// IdempotentLookup returns what is kept for (userID, key), if anything.
func (s *Store) IdempotentLookup(ctx context.Context, userID int64, key string) (*IdempotentResponse, error) {
	var r IdempotentResponse
	var status *int
	var ctype, kind *string
	var resultID *int64
	err := s.pool.QueryRow(ctx, `SELECT request_hash, status, content_type, response, result_kind, result_id
		FROM idempotency_keys WHERE user_id = $1 AND key = $2`, userID, key).
		Scan(&r.RequestHash, &status, &ctype, &r.Body, &kind, &resultID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	if status != nil {
		r.Done, r.Status = true, *status
	}
	if ctype != nil {
		r.ContentType = *ctype
	}
	if kind != nil && resultID != nil {
		r.Result = Result{Kind: ResultKind(*kind), ID: *resultID}
	}
	return &r, nil
}

// IdempotentSave keeps the response of a claimed key.
func (s *Store) IdempotentSave(ctx context.Context, userID int64, key string, status int, contentType string, body []byte) error {
	// The save need not wait for its WAL to reach the disk: should a
	// crash lose it, a retry is answered from the result the effect's own
	// transaction noted (api/replay.go). This spares every POST a second
	// flush; the three statements go to the server in one round trip.
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue("SET LOCAL synchronous_commit TO OFF")
	b.Queue(`UPDATE idempotency_keys SET status = $3, content_type = $4, response = $5
		WHERE user_id = $1 AND key = $2 AND status IS NULL`, userID, key, status, contentType, body)
	b.Queue("COMMIT")
	return translate(s.pool.SendBatch(ctx, b).Close())
}

// SameRequest reports whether a kept response belongs to a request hash.
func (r *IdempotentResponse) SameRequest(hash []byte) bool { return bytes.Equal(r.RequestHash, hash) }
