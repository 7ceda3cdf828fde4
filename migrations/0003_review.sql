-- Review and decision: rubrics, conflict-of-interest rules, reviewer
-- assignments, declarations, reviews, recommendations, decisions, and the
-- budget ledger that keeps commitments within a fund's yearly frame.

-- Who leads whom: the own-leader conflict rule needs it.
ALTER TABLE users ADD COLUMN leader_id bigint REFERENCES users;

-- Per call: how review is run, and which year's frame its grants draw on.
ALTER TABLE calls
    ADD COLUMN budget_year int,
    ADD COLUMN reviewers_per_application int NOT NULL DEFAULT 2 CHECK (reviewers_per_application BETWEEN 1 AND 10),
    ADD COLUMN review_deadline timestamptz,
    ADD COLUMN blind_review boolean NOT NULL DEFAULT false,
    ADD COLUMN disagreement_margin_tenths int NOT NULL DEFAULT 15 CHECK (disagreement_margin_tenths BETWEEN 1 AND 40);
UPDATE calls SET budget_year = extract(year FROM opens_at AT TIME ZONE 'Europe/Oslo');
ALTER TABLE calls ALTER COLUMN budget_year SET NOT NULL;

-- The rubric: weighted criteria scored 1–5.
CREATE TABLE call_criteria (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id        bigint NOT NULL REFERENCES calls,
    position       int NOT NULL,
    name_nb        text NOT NULL CHECK (name_nb <> ''),
    name_en        text NOT NULL CHECK (name_en <> ''),
    description_nb text NOT NULL DEFAULT '',
    description_en text NOT NULL DEFAULT '',
    weight         int NOT NULL CHECK (weight BETWEEN 1 AND 100),
    UNIQUE (call_id, position)
);

-- Conflict-of-interest rules are data: the kinds are implemented in code,
-- the rows say which apply, and a municipality can add pairs of its own.
CREATE TABLE conflict_rules (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('applicant', 'partner', 'same_unit', 'leader', 'unit_pair', 'person_pair')),
    params      jsonb NOT NULL DEFAULT '{}',
    description    text NOT NULL DEFAULT '',
    description_en text NOT NULL DEFAULT '',
    enabled        boolean NOT NULL DEFAULT true
);
INSERT INTO conflict_rules (kind, description, description_en) VALUES
    ('applicant', 'Fagvurdereren er søkeren selv', 'The reviewer is the applicant'),
    ('partner',   'Fagvurdereren er oppført som partner i søknaden', 'The reviewer is listed as a partner in the application'),
    ('same_unit', 'Fagvurdereren arbeider i samme enhet som søkeren', 'The reviewer works in the applicant''s unit'),
    ('leader',    'Fagvurdereren er søkerens leder', 'The reviewer is the applicant''s leader');

CREATE TABLE reviewer_assignments (
    application_id bigint NOT NULL REFERENCES applications,
    reviewer_id    bigint NOT NULL REFERENCES users,
    assigned_by    bigint REFERENCES users,
    assigned_at    timestamptz NOT NULL DEFAULT now(),
    -- assigned: waiting for the declaration; active: declared free of
    -- conflict; recused: declared a conflict, and locked out for good.
    status         text NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'active', 'recused')),
    PRIMARY KEY (application_id, reviewer_id)
);
CREATE INDEX reviewer_assignments_reviewer ON reviewer_assignments (reviewer_id, status);

-- Declarations of (no) conflict of interest, append-only.
CREATE TABLE declarations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    user_id        bigint NOT NULL REFERENCES users,
    capacity       text NOT NULL CHECK (capacity IN ('reviewer', 'decision_maker')),
    conflict       boolean NOT NULL,
    reason         text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT conflict OR reason <> '')
);
CREATE INDEX declarations_application ON declarations (application_id, user_id);
CREATE TRIGGER declarations_append_only BEFORE UPDATE OR DELETE ON declarations
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

-- Reviews: one row per version. A submitted version is frozen; an
-- amendment is a new version.
CREATE TABLE reviews (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    reviewer_id    bigint NOT NULL REFERENCES users,
    version        int NOT NULL CHECK (version >= 1),
    recommendation text NOT NULL DEFAULT '' CHECK (recommendation IN ('', 'yes', 'maybe', 'no')),
    comment        text NOT NULL DEFAULT '',
    scores         jsonb NOT NULL DEFAULT '[]',
    submitted_at   timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (application_id, reviewer_id, version)
);
CREATE UNIQUE INDEX reviews_one_draft ON reviews (application_id, reviewer_id) WHERE submitted_at IS NULL;

CREATE FUNCTION refuse_submitted_review_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.submitted_at IS NOT NULL THEN
        RAISE EXCEPTION 'a submitted review is immutable' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER reviews_frozen BEFORE UPDATE OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION refuse_submitted_review_change();

-- The case officer's recommendation (innstilling), one per application.
CREATE TABLE recommendations (
    application_id  bigint PRIMARY KEY REFERENCES applications,
    outcome         text NOT NULL CHECK (outcome IN ('approve', 'reject', 'dismiss')),
    amount_ore      bigint NOT NULL DEFAULT 0 CHECK (amount_ore >= 0),
    rules           text NOT NULL DEFAULT '',
    facts           text NOT NULL DEFAULT '',
    considerations  text NOT NULL DEFAULT '',
    override_reason text NOT NULL DEFAULT '',
    author_id       bigint NOT NULL REFERENCES users,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Decisions, append-only: a new decision after an appeal is a new row.
CREATE TABLE decisions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    outcome        text NOT NULL CHECK (outcome IN ('approve', 'reject', 'dismiss')),
    amount_ore     bigint NOT NULL DEFAULT 0 CHECK (amount_ore >= 0),
    requested_ore  bigint NOT NULL,
    rules          text NOT NULL,
    facts          text NOT NULL,
    considerations text NOT NULL,
    decided_by     bigint NOT NULL REFERENCES users,
    decided_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((outcome = 'approve') = (amount_ore > 0))
);
CREATE INDEX decisions_application ON decisions (application_id, id);
CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

-- The budget ledger: every movement of money against a fund's yearly frame
-- is an entry; each figure of the ledger is a sum over entries, never a
-- counter kept on the side.
CREATE TABLE ledger_entries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fund_id        bigint NOT NULL,
    year           int NOT NULL,
    application_id bigint NOT NULL REFERENCES applications,
    kind           text NOT NULL CHECK (kind IN ('commitment', 'release')),
    amount_ore     bigint NOT NULL CHECK (amount_ore > 0),
    decision_id    bigint REFERENCES decisions,
    created_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (fund_id, year) REFERENCES fund_budgets (fund_id, year)
);
CREATE INDEX ledger_entries_fund_year ON ledger_entries (fund_id, year);
CREATE INDEX ledger_entries_application ON ledger_entries (application_id);
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
