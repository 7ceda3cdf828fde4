package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// NewUser is what it takes to create a user.
type NewUser struct {
	Email        string
	Name         string
	Unit         string
	Language     i18n.Lang
	PasswordHash string // "" for a user who logs in only with a token
	Roles        []workflow.Role
	LeaderID     *int64
}

var msgEmailTaken = i18n.T("Det finnes allerede en bruker med denne e-postadressen.", "A user with this email address already exists.")

// CreateUser adds a user with roles.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (model.User, error) {
	u := model.User{Email: strings.ToLower(strings.TrimSpace(nu.Email)), Name: nu.Name, Unit: nu.Unit, Language: nu.Language, Roles: nu.Roles, LeaderID: nu.LeaderID}
	if u.Language == "" {
		u.Language = i18n.NB
	}
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var hash *string
		if nu.PasswordHash != "" {
			hash = &nu.PasswordHash
		}
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, unit, language, password_hash, leader_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.Email, u.Name, u.Unit, u.Language, hash, nu.LeaderID).Scan(&u.ID)
		if err != nil {
			if apperr.Is(translate(err), apperr.Conflict) {
				return apperr.Wrap(apperr.Conflict, msgEmailTaken, err)
			}
			return translate(err)
		}
		return setRoles(ctx, tx, u.ID, nu.Roles)
	})
	return u, err
}

func setRoles(ctx context.Context, tx pgx.Tx, userID int64, roles []workflow.Role) error {
	if _, err := tx.Exec(ctx, "DELETE FROM user_roles WHERE user_id = $1", userID); err != nil {
		return translate(err)
	}
	for _, r := range roles {
		if _, err := tx.Exec(ctx, "INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING", userID, r); err != nil {
			return translate(err)
		}
	}
	return nil
}

const userColumns = `u.id, u.email, u.name, u.unit, u.language, u.leader_id,
	COALESCE((SELECT array_agg(role ORDER BY role) FROM user_roles r WHERE r.user_id = u.id), '{}')`

func scanUser(row pgx.Row, extra ...any) (model.User, error) {
	var u model.User
	var roles []string
	dest := append([]any{&u.ID, &u.Email, &u.Name, &u.Unit, &u.Language, &u.LeaderID, &roles}, extra...)
	if err := row.Scan(dest...); err != nil {
		return u, translate(err)
	}
	u.Roles = make([]workflow.Role, 0, len(roles)) // [] rather than null in JSON
	for _, r := range roles {
		u.Roles = append(u.Roles, workflow.Role(r))
	}
	return u, nil
}

// UserByID returns a user.
func (s *Store) UserByID(ctx context.Context, id int64) (model.User, error) {
	return scanUser(s.pool.QueryRow(ctx, "SELECT "+userColumns+" FROM users u WHERE u.id = $1", id))
}

// UserByEmail returns a user and their password hash ("" when they have none).
func (s *Store) UserByEmail(ctx context.Context, email string) (model.User, string, error) {
	var hash *string
	u, err := scanUser(s.pool.QueryRow(ctx, "SELECT "+userColumns+", u.password_hash FROM users u WHERE u.email = $1",
		strings.ToLower(strings.TrimSpace(email))), &hash)
	if hash == nil {
		return u, "", err
	}
	return u, *hash, err
}

// Users lists every user, by name.
func (s *Store) Users(ctx context.Context) ([]model.User, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+userColumns+" FROM users u ORDER BY u.name, u.id")
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, translate(rows.Err())
}

// SetUserPassword replaces a user's password hash.
func (s *Store) SetUserPassword(ctx context.Context, userID int64, hash string) error {
	_, err := s.pool.Exec(ctx, "UPDATE users SET password_hash = $2 WHERE id = $1", userID, hash)
	return translate(err)
}

// SetUserLeader records a user's leader (nil for none), for the
// own-leader conflict rule.
func (s *Store) SetUserLeader(ctx context.Context, userID int64, leaderID *int64) error {
	_, err := s.pool.Exec(ctx, "UPDATE users SET leader_id = $2 WHERE id = $1", userID, leaderID)
	return translate(err)
}

// SetUserLanguage records the language a user chose.
func (s *Store) SetUserLanguage(ctx context.Context, userID int64, lang i18n.Lang) error {
	_, err := s.pool.Exec(ctx, "UPDATE users SET language = $2 WHERE id = $1", userID, lang)
	return translate(err)
}

func digest(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// AddToken stores an API token for a user; only its hash is kept.
func (s *Store) AddToken(ctx context.Context, userID int64, token string) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO api_tokens (user_id, token_hash) VALUES ($1, $2)", userID, digest(token))
	return translate(err)
}

var errNoCredential = apperr.New(apperr.Unauthenticated, i18n.T("Du må logge inn.", "You must log in."))

// UserByToken returns the holder of a valid API token.
func (s *Store) UserByToken(ctx context.Context, token string) (model.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, "SELECT "+userColumns+` FROM users u
		JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, digest(token)))
	if apperr.Is(err, apperr.NotFound) {
		return u, errNoCredential
	}
	return u, err
}

// CreateSession stores a login session; only the hash of its id is kept.
func (s *Store) CreateSession(ctx context.Context, userID int64, sessionID string, expires time.Time) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
		digest(sessionID), userID, expires)
	return translate(err)
}

// UserBySession returns the user of a session that has not expired at now.
func (s *Store) UserBySession(ctx context.Context, sessionID string, now time.Time) (model.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, "SELECT "+userColumns+` FROM users u
		JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1 AND s.expires_at > $2`, digest(sessionID), now))
	if apperr.Is(err, apperr.NotFound) {
		return u, errNoCredential
	}
	return u, err
}

// DeleteSession ends a session, and sweeps sessions that expired before now.
func (s *Store) DeleteSession(ctx context.Context, sessionID string, now time.Time) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM sessions WHERE token_hash = $1 OR expires_at < $2", digest(sessionID), now)
	return translate(err)
}

// IsNotFound reports whether err says a row was missing.
func IsNotFound(err error) bool {
	return errors.Is(err, pgx.ErrNoRows) || apperr.Is(err, apperr.NotFound)
}
