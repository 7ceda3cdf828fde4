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
}

// Claim is an Idempotency-Key that the next transaction records together
// with its effect. It lives in a request's context.
type Claim struct {
	userID   int64
	key      string
	hash     []byte
	consumed bool
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
	return nil
}

// IdempotentLookup returns what is kept for (userID, key), if anything.
func (s *Store) IdempotentLookup(ctx context.Context, userID int64, key string) (*IdempotentResponse, error) {
	var r IdempotentResponse
	var status *int
	var ctype *string
	err := s.pool.QueryRow(ctx, `SELECT request_hash, status, content_type, response
		FROM idempotency_keys WHERE user_id = $1 AND key = $2`, userID, key).
		Scan(&r.RequestHash, &status, &ctype, &r.Body)
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
	return &r, nil
}

// IdempotentSave keeps the response of a claimed key.
func (s *Store) IdempotentSave(ctx context.Context, userID int64, key string, status int, contentType string, body []byte) error {
	_, err := s.pool.Exec(ctx, `UPDATE idempotency_keys SET status = $3, content_type = $4, response = $5
		WHERE user_id = $1 AND key = $2 AND status IS NULL`, userID, key, status, contentType, body)
	return translate(err)
}

// SameRequest reports whether a kept response belongs to a request hash.
func (r *IdempotentResponse) SameRequest(hash []byte) bool { return bytes.Equal(r.RequestHash, hash) }
