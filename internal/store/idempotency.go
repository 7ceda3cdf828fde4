package store

import (
	"bytes"
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

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
// Assigning reviewers and submitting a review note the application.
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
	ResultCall         ResultKind = "call"
	// ResultDeclaration is a declaration of (no) conflict of interest.
	ResultDeclaration  ResultKind = "declaration"
	ResultNotification ResultKind = "notification"
)

// Claim is an Idempotency-Key that the first transaction of a request
// records together with its effect, as the transaction's last statement.
// It lives in a request's context.
//
// Recording the key last rather than first spares every request a lookup
// before it runs and a statement of its own: a retry of a request whose
// key is recorded runs into the key's unique index, and is refused with
// Conflict in a transaction that rolls back; the API then answers it from
// what the key keeps (api/idempotency.go). A retry that arrives while the
// first request is still running waits on that index for the first
// transaction's end.
type Claim struct {
	userID   int64
	key      string
	hash     []byte
	consumed bool
	// tx is the transaction that records the key, while it runs: the one
	// whose effect noteResult may note.
	tx       pgx.Tx
	result   Result
	recorded bool // tx has recorded the key (claimInPipeline)
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

// ErrKeyTaken is the refusal of a transaction whose Idempotency-Key an
// earlier request has recorded (or is recording): the request is a retry,
// or the key was reused.
var ErrKeyTaken = apperr.New(apperr.Conflict, i18n.T("En forespørsel med samme Idempotency-Key er allerede tatt imot.",
	"A request with the same Idempotency-Key was already accepted."))

// begin makes tx the transaction that records the claim, unless an
// earlier one of the request already has.
func (c *Claim) begin(tx pgx.Tx) {
	if c != nil && !c.consumed {
		c.tx, c.result, c.recorded = tx, Result{}, false
	}
}

// end lets go of tx, committed or not.
func (c *Claim) end(tx pgx.Tx, committed bool) {
	if c == nil || c.tx != tx {
		return
	}
	c.tx = nil
	if committed {
		c.consumed = true
	}
}

// recordClaim fails on a key already recorded (after waiting for the
// transaction recording it, if it is still running): a failed statement,
// not an empty result, so that nothing after it in its transaction can
// commit, even a COMMIT sent in the same round trip (sendCommitting).
const recordClaim = `INSERT INTO idempotency_keys (user_id, key, request_hash, result_kind, result_id)
	VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, 0))`

// record writes the key and the noted result in tx, unless the
// pipeline of tx's effect already has (claimInPipeline).
func (c *Claim) record(ctx context.Context, tx pgx.Tx) error {
	if c == nil || c.tx != tx || c.recorded {
		return nil
	}
	_, err := tx.Exec(ctx, recordClaim, c.userID, c.key, c.hash, string(c.result.Kind), c.result.ID)
	return c.recordedBy(err)
}

func (c *Claim) recordedBy(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" && pe.TableName == "idempotency_keys" {
		return ErrKeyTaken
	}
	if err != nil {
		return translate(err)
	}
	c.recorded = true
	return nil
}

// claimInPipeline queues the recording of the claim in ctx into p, the
// last round trip of tx's effect, so that it travels with the effect's
// statements instead of in a round trip of its own. Without a claim for
// tx it queues nothing.
func claimInPipeline(ctx context.Context, tx pgx.Tx, p *pipeline) {
	c := claimFrom(ctx)
	if c == nil || c.tx != tx || c.recorded {
		return
	}
	p.queue(func(br pgx.BatchResults) error {
		_, err := br.Exec()
		return c.recordedBy(err)
	}, recordClaim, c.userID, c.key, c.hash, string(c.result.Kind), c.result.ID)
}

// noteResult notes that the request whose claim is in ctx produced the
// resource kind/id in tx; the claim records it with the key. It does
// nothing without a claim, or when tx is not the transaction that records
// the claim (an effect after the first transaction of a request is not
// what its key stands for). It must come before claimInPipeline.
func noteResult(ctx context.Context, tx pgx.Tx, kind ResultKind, id int64) {
	if c := claimFrom(ctx); c != nil && c.tx == tx {
		c.result = Result{Kind: kind, ID: id}
	}
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

// SameRequest reports whether a kept response belongs to a request hash.
func (r *IdempotentResponse) SameRequest(hash []byte) bool { return bytes.Equal(r.RequestHash, hash) }
