-- Single sign-on with OpenID Connect. A user signed in through a provider
-- is known by the provider's issuer and its stable subject id, never by a
-- national identity number; a local user without a link is linked on first
-- sign-in only when the provider vouches for the email address.
ALTER TABLE users
    ADD COLUMN oidc_issuer  text,
    ADD COLUMN oidc_subject text,
    ADD CONSTRAINT users_oidc_both CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
    ADD CONSTRAINT users_oidc_unique UNIQUE (oidc_issuer, oidc_subject);

-- A session begun through the provider keeps its ID token, which logout
-- sends back as id_token_hint to end the provider's session too.
ALTER TABLE sessions ADD COLUMN id_token text;

-- Logins under way: between the redirect to the provider and its callback.
-- The state is the key (only its hash is kept); the browser holds the state
-- in a short-lived cookie, so a callback from another browser finds nothing.
-- A row is taken once (DELETE … RETURNING) and lives ten minutes at most.
CREATE TABLE sso_logins (
    state_hash    bytea PRIMARY KEY,
    nonce         text NOT NULL,
    code_verifier text NOT NULL,
    next_path     text NOT NULL DEFAULT '',
    expires_at    timestamptz NOT NULL
);
CREATE INDEX sso_logins_expires_at ON sso_logins (expires_at);
