-- Users, their roles, sessions and API tokens.
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name          text NOT NULL CHECK (name <> ''),
    unit          text NOT NULL DEFAULT '',
    language      text NOT NULL DEFAULT 'nb' CHECK (language IN ('nb', 'en')),
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (email)
);

CREATE TABLE user_roles (
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('applicant', 'case_officer', 'reviewer', 'decision_maker',
                                          'finance_attestant', 'finance_authoriser', 'unit_leader', 'admin')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE api_tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Funds, their yearly frames, and calls for applications.
CREATE TABLE funds (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (name <> ''),
    municipality text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fund_budgets (
    fund_id   bigint NOT NULL REFERENCES funds,
    year      int NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    frame_ore bigint NOT NULL CHECK (frame_ore >= 0),
    PRIMARY KEY (fund_id, year)
);

CREATE TABLE calls (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fund_id        bigint NOT NULL REFERENCES funds,
    title          text NOT NULL CHECK (title <> ''),
    description    text NOT NULL DEFAULT '',
    opens_at       timestamptz NOT NULL,
    closes_at      timestamptz NOT NULL,
    max_amount_ore bigint NOT NULL CHECK (max_amount_ore > 0),
    created_by     bigint REFERENCES users,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (closes_at > opens_at)
);
CREATE INDEX calls_fund ON calls (fund_id);

-- Applications. The case number is YYYY/NNNN, numbered per year.
CREATE TABLE case_number_counters (
    year int PRIMARY KEY,
    last int NOT NULL
);

CREATE TABLE applications (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_number          text NOT NULL UNIQUE CHECK (case_number ~ '^[0-9]{4}/[0-9]{4,}$'),
    call_id              bigint NOT NULL REFERENCES calls,
    applicant_id         bigint NOT NULL REFERENCES users,
    title                text NOT NULL DEFAULT '',
    summary              text NOT NULL DEFAULT '',
    need                 text NOT NULL DEFAULT '',
    solution             text NOT NULL DEFAULT '',
    adoption_plan        text NOT NULL DEFAULT '',
    expected_benefits    text NOT NULL DEFAULT '',
    budget_lines         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(budget_lines) = 'array'),
    own_contribution_ore bigint NOT NULL DEFAULT 0 CHECK (own_contribution_ore >= 0),
    requested_amount_ore bigint NOT NULL DEFAULT 0 CHECK (requested_amount_ore >= 0),
    unit                 text NOT NULL DEFAULT '',
    partners             text[] NOT NULL DEFAULT '{}',
    start_date           date,
    end_date             date,
    state                text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'returned', 'in_review',
                             'recommended', 'approved', 'rejected', 'dismissed', 'withdrawn', 'appealed', 'accepted',
                             'final_report_submitted', 'completed')),
    version              int NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    submitted_at         timestamptz
);
CREATE INDEX applications_applicant ON applications (applicant_id, id DESC);
CREATE INDEX applications_state_call ON applications (state, call_id, id DESC);
CREATE INDEX applications_call ON applications (call_id, id DESC);

-- The append-only history: one row per version of an application.
CREATE TABLE application_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    version        int NOT NULL,
    actor_id       bigint REFERENCES users,
    event          text NOT NULL,
    from_state     text NOT NULL DEFAULT '',
    to_state       text NOT NULL,
    comment        text NOT NULL DEFAULT '',
    request_id     text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (application_id, version)
);

CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER application_events_append_only
    BEFORE UPDATE OR DELETE ON application_events
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER application_events_no_truncate
    BEFORE TRUNCATE ON application_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

-- Idempotency keys for POST requests: the first response is kept and replayed.
CREATE TABLE idempotency_keys (
    user_id      bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL,
    status       int,
    content_type text,
    response     bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
