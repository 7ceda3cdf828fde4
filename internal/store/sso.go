package store

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// SSOLogin is a login under way: what the callback needs to finish it.
type SSOLogin struct {
	Nonce        string
	CodeVerifier string
	Next         string
}

// SaveSSOLogin keeps a login under way until expires, keyed by its state
// (only the state's hash is stored).
func (s *Store) SaveSSOLogin(ctx context.Context, state string, l SSOLogin, expires time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO sso_logins (state_hash, nonce, code_verifier, next_path, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, digest(state), l.Nonce, l.CodeVerifier, l.Next, expires)
	return translate(err)
}

var msgNoLogin = i18n.T("Innloggingen er utløpt eller allerede brukt. Prøv å logge inn på nytt.",
	"The login has expired or was already used. Please log in again.")

// TakeSSOLogin removes and returns the login under way with this state;
// BadRequest when there is none or it expired before now. Expired logins
// are swept on the way.
func (s *Store) TakeSSOLogin(ctx context.Context, state string, now time.Time) (SSOLogin, error) {
	var l SSOLogin
	var expires time.Time
	err := s.pool.QueryRow(ctx, `DELETE FROM sso_logins WHERE state_hash = $1
		RETURNING nonce, code_verifier, next_path, expires_at`, digest(state)).Scan(&l.Nonce, &l.CodeVerifier, &l.Next, &expires)
	if _, sweepErr := s.pool.Exec(ctx, "DELETE FROM sso_logins WHERE expires_at < $1", now); sweepErr != nil && err == nil {
		err = sweepErr
	}
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return SSOLogin{}, apperr.New(apperr.BadRequest, msgNoLogin)
	case err != nil:
		return SSOLogin{}, translate(err)
	case !expires.After(now):
		return SSOLogin{}, apperr.New(apperr.BadRequest, msgNoLogin)
	}
	return l, nil
}

// OIDCIdentity is who the provider says signed in, with Nyttig's roles
// already mapped from the provider's claim.
type OIDCIdentity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	Unit          string
	Roles         []workflow.Role
}

var (
	msgUnverifiedEmail = i18n.T("Det finnes allerede en lokal bruker med denne e-postadressen, og innloggingstjenesten har ikke bekreftet adressen. Be en administrator om hjelp.",
		"A local user with this email address already exists, and the login provider has not verified the address. Ask an administrator for help.")
	msgEmailOfOther = i18n.T("E-postadressen fra innloggingstjenesten tilhører en annen bruker i Nyttig. Be en administrator om hjelp.",
		"The email address from the login provider belongs to another user in Nyttig. Ask an administrator for help.")
)

// UpsertOIDCUser finds the user linked to the identity's issuer and
// subject, creating them on their first sign-in, and brings their name,
// email, unit and roles up to date: for a user who signs in through the
// provider, the provider is the source of truth, so the roles are replaced
// with the mapped ones. A local user with the same email and no link is
// linked only when the provider has verified the email; otherwise Conflict.
func (s *Store) UpsertOIDCUser(ctx context.Context, id OIDCIdentity) (model.User, error) {
	email := strings.ToLower(strings.TrimSpace(id.Email))
	var userID int64
	var before []workflow.Role
	created := false
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		created = false
		err := tx.QueryRow(ctx, `SELECT id FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2 FOR UPDATE`,
			id.Issuer, id.Subject).Scan(&userID)
		if errors.Is(err, pgx.ErrNoRows) {
			var linked *string
			err = tx.QueryRow(ctx, `SELECT id, oidc_issuer FROM users WHERE email = $1 FOR UPDATE`, email).Scan(&userID, &linked)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				created = true
				err = tx.QueryRow(ctx, `INSERT INTO users (email, name, unit, language, oidc_issuer, oidc_subject)
					VALUES ($1, $2, $3, 'nb', $4, $5) RETURNING id`, email, id.Name, id.Unit, id.Issuer, id.Subject).Scan(&userID)
			case err != nil:
			case linked != nil:
				return apperr.New(apperr.Conflict, msgEmailOfOther)
			case !id.EmailVerified:
				return apperr.New(apperr.Conflict, msgUnverifiedEmail)
			}
		}
		if err != nil {
			return translate(err)
		}
		if !created {
			if before, err = rolesOf(ctx, tx, userID); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE users SET email = $2, name = $3, unit = $4, oidc_issuer = $5, oidc_subject = $6
				WHERE id = $1`, userID, email, id.Name, id.Unit, id.Issuer, id.Subject)
			if err != nil {
				if apperr.Is(translate(err), apperr.Conflict) {
					return apperr.Wrap(apperr.Conflict, msgEmailOfOther, err)
				}
				return translate(err)
			}
		}
		return setRoles(ctx, tx, userID, id.Roles)
	})
	if err != nil {
		return model.User{}, err
	}
	u, err := s.UserByID(ctx, userID)
	if err == nil && (created || !slices.Equal(before, u.Roles)) {
		// Users have no history table; the log keeps who got which roles from the provider.
		slog.InfoContext(ctx, "sso roles set", "user_id", u.ID, "created", created, "before", before, "after", u.Roles)
	}
	return u, err
}

func rolesOf(ctx context.Context, tx pgx.Tx, userID int64) ([]workflow.Role, error) {
	rows, err := tx.Query(ctx, "SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role", userID)
	if err != nil {
		return nil, translate(err)
	}
	roles, err := pgx.CollectRows(rows, pgx.RowTo[workflow.Role])
	return roles, translate(err)
}

// OIDCLink returns the issuer and subject a user is linked to ("" when none).
func (s *Store) OIDCLink(ctx context.Context, userID int64) (issuer, subject string, err error) {
	var iss, sub *string
	err = s.pool.QueryRow(ctx, "SELECT oidc_issuer, oidc_subject FROM users WHERE id = $1", userID).Scan(&iss, &sub)
	if iss != nil && sub != nil {
		issuer, subject = *iss, *sub
	}
	return issuer, subject, translate(err)
}

// CreateSSOSession stores a session begun through the provider, with the
// ID token that logout sends back to it.
func (s *Store) CreateSSOSession(ctx context.Context, userID int64, sessionID, idToken string, expires time.Time) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO sessions (token_hash, user_id, expires_at, id_token) VALUES ($1, $2, $3, $4)",
		digest(sessionID), userID, expires, idToken)
	return translate(err)
}

// EndSession ends a session like DeleteSession and returns its ID token
// ("" for a password session or none).
func (s *Store) EndSession(ctx context.Context, sessionID string, now time.Time) (string, error) {
	var idToken *string
	err := s.pool.QueryRow(ctx, "DELETE FROM sessions WHERE token_hash = $1 RETURNING id_token", digest(sessionID)).Scan(&idToken)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", translate(err)
	}
	if err := s.DeleteSession(ctx, "", now); err != nil {
		return "", err
	}
	if idToken == nil {
		return "", nil
	}
	return *idToken, nil
}
