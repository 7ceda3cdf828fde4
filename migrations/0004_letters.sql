-- Decision letters, acceptance of grants, and appeals.

-- Per call: how long an applicant has to accept a grant, when the final
-- report is due, and the default payout plan (shares of the grant and the
-- condition that makes each due).
ALTER TABLE calls
    ADD COLUMN acceptance_days int NOT NULL DEFAULT 30 CHECK (acceptance_days BETWEEN 1 AND 365),
    ADD COLUMN report_months int NOT NULL DEFAULT 3 CHECK (report_months BETWEEN 0 AND 60),
    ADD COLUMN payout_plan jsonb NOT NULL DEFAULT
        '[{"share_percent": 75, "condition": "on_acceptance"}, {"share_percent": 25, "condition": "on_final_report"}]';

-- Each fund's letter texts, editable by an admin; a fund without a row
-- uses the defaults.
CREATE TABLE letter_templates (
    fund_id    bigint PRIMARY KEY REFERENCES funds,
    template   jsonb NOT NULL,
    updated_by bigint REFERENCES users,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Letters are stored once and never overwritten: a corrected letter is a
-- new version. The only change a row ever sees is its first opening.
CREATE TABLE letters (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications,
    decision_id     bigint REFERENCES decisions,
    version         int NOT NULL CHECK (version >= 1),
    language        text NOT NULL CHECK (language IN ('nb', 'en')),
    object_key      text NOT NULL UNIQUE,
    sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size            bigint NOT NULL CHECK (size > 0),
    created_by      bigint REFERENCES users,
    created_at      timestamptz NOT NULL DEFAULT now(),
    first_opened_at timestamptz,
    UNIQUE (application_id, version)
);
CREATE INDEX letters_decision ON letters (decision_id);

CREATE FUNCTION letters_only_first_opening() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'letters are kept' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.application_id, NEW.decision_id, NEW.version, NEW.language, NEW.object_key, NEW.sha256, NEW.size,
        NEW.created_by, NEW.created_at) IS DISTINCT FROM
       (OLD.id, OLD.application_id, OLD.decision_id, OLD.version, OLD.language, OLD.object_key, OLD.sha256, OLD.size,
        OLD.created_by, OLD.created_at)
       OR (OLD.first_opened_at IS NOT NULL AND NEW.first_opened_at IS DISTINCT FROM OLD.first_opened_at) THEN
        RAISE EXCEPTION 'a stored letter is frozen' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER letters_frozen BEFORE UPDATE OR DELETE ON letters
    FOR EACH ROW EXECUTE FUNCTION letters_only_first_opening();



-- The payout plan of an accepted grant: its tranches, created from the
-- call's default plan when the applicant accepts. The tranches of an
-- application always sum to the granted amount.
CREATE TABLE payouts (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    position       int NOT NULL,
    share_percent  int NOT NULL CHECK (share_percent BETWEEN 1 AND 100),
    amount_ore     bigint NOT NULL CHECK (amount_ore > 0),
    condition      text NOT NULL CHECK (condition IN ('on_acceptance', 'on_final_report', 'on_date')),
    due_date       date,
    state          text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'due')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (application_id, position)
);
