-- Finance: where a grant's money goes, the payout lifecycle with
-- segregation of duties, claw-backs, and payments in the ledger. No payout
-- without two different people, no tranche paid twice, no application paid
-- more than it was granted: each is a constraint here as well as a rule in
-- code.

-- Where the money goes: a unit's cost centre and project number, or (when
-- the call allows it) an organisation's number and bank account. The
-- check digits are verified in code; the shapes here.
ALTER TABLE calls ADD COLUMN external_recipients boolean NOT NULL DEFAULT false;
ALTER TABLE applications
    ADD COLUMN cost_centre    text NOT NULL DEFAULT '' CHECK (length(cost_centre) <= 30),
    ADD COLUMN project_number text NOT NULL DEFAULT '' CHECK (length(project_number) <= 30),
    ADD COLUMN org_number     text NOT NULL DEFAULT '' CHECK (org_number ~ '^([0-9]{9})?$'),
    ADD COLUMN account_number text NOT NULL DEFAULT '' CHECK (account_number ~ '^([0-9]{11})?$');

-- A case officer's adjustment of the payout plan before acceptance. It
-- belongs to one decision: a new decision (after an appeal) makes it void,
-- and acceptance then uses the call's default again.
CREATE TABLE payout_plans (
    application_id bigint PRIMARY KEY REFERENCES applications,
    decision_id    bigint NOT NULL REFERENCES decisions,
    tranches       jsonb NOT NULL CHECK (jsonb_typeof(tranches) = 'array'),
    updated_by     bigint REFERENCES users,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- The payout lifecycle (workflow.Payout): planned → due (til attestasjon)
-- → attested (til anvisning) → paid (utbetalt), or sent back, or cancelled.
ALTER TABLE payouts DROP CONSTRAINT payouts_state_check;
ALTER TABLE payouts
    ADD CONSTRAINT payouts_state_check CHECK (state IN ('planned', 'due', 'attested', 'paid', 'sent_back', 'cancelled')),
    ADD COLUMN version       int NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now(),
    -- the recipient as attested, so that a later change of the
    -- application's account does not redirect an attested payment
    ADD COLUMN recipient     jsonb,
    ADD COLUMN attested_by   bigint REFERENCES users,
    ADD COLUMN attested_at   timestamptz,
    ADD COLUMN authorised_by bigint REFERENCES users,
    ADD COLUMN authorised_at timestamptz,
    ADD COLUMN erp_reference text NOT NULL DEFAULT '' CHECK (length(erp_reference) <= 100),
    ADD COLUMN paid_on       date,
    ADD CONSTRAINT payouts_on_date_has_date CHECK (condition <> 'on_date' OR due_date IS NOT NULL),
    ADD CONSTRAINT payouts_attested CHECK (state NOT IN ('attested', 'paid')
        OR (attested_by IS NOT NULL AND attested_at IS NOT NULL AND recipient IS NOT NULL)),
    ADD CONSTRAINT payouts_paid_in_full CHECK (state <> 'paid'
        OR (authorised_by IS NOT NULL AND authorised_at IS NOT NULL AND erp_reference <> '' AND paid_on IS NOT NULL)),
    ADD CONSTRAINT payouts_two_people CHECK (authorised_by IS NULL OR authorised_by <> attested_by);
CREATE INDEX payouts_state ON payouts (state, id);

-- Each payout's append-only history: one row per version.
CREATE TABLE payout_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payout_id  bigint NOT NULL REFERENCES payouts,
    version    int NOT NULL CHECK (version >= 1),
    actor_id   bigint REFERENCES users,
    event      text NOT NULL,
    from_state text NOT NULL DEFAULT '',
    to_state   text NOT NULL,
    comment    text NOT NULL DEFAULT '',
    request_id text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (payout_id, version)
);
CREATE TRIGGER payout_events_append_only BEFORE UPDATE OR DELETE ON payout_events
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER payout_events_no_truncate BEFORE TRUNCATE ON payout_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

-- Tranches created before this migration get the history they would have
-- had: created planned, and made due at acceptance.
INSERT INTO payout_events (payout_id, version, event, from_state, to_state, created_at)
    SELECT id, 1, 'create', '', 'planned', created_at FROM payouts;
INSERT INTO payout_events (payout_id, version, event, from_state, to_state, created_at)
    SELECT id, 2, 'make_due', 'planned', 'due', created_at FROM payouts WHERE state = 'due';
UPDATE payouts SET version = 2 WHERE state = 'due';

-- A tranche's terms never change, a paid or cancelled tranche is frozen,
-- no tranche is deleted, and nobody attests or authorises the money of an
-- application they applied for or decided.
CREATE FUNCTION guard_payout_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'payouts are kept' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.state IN ('paid', 'cancelled') THEN
        RAISE EXCEPTION 'payout % is % and frozen', OLD.id, OLD.state USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.application_id, NEW.position, NEW.share_percent, NEW.amount_ore, NEW.condition, NEW.due_date, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.application_id, OLD.position, OLD.share_percent, OLD.amount_ore, OLD.condition, OLD.due_date, OLD.created_at) THEN
        RAISE EXCEPTION 'the terms of payout % are fixed', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM applications a WHERE a.id = NEW.application_id AND a.applicant_id IN (NEW.attested_by, NEW.authorised_by))
       OR EXISTS (SELECT 1 FROM decisions d WHERE d.application_id = NEW.application_id AND d.decided_by IN (NEW.attested_by, NEW.authorised_by)) THEN
        RAISE EXCEPTION 'segregation of duties: payout % handled by the applicant or a decision maker', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER payouts_guarded BEFORE UPDATE OR DELETE ON payouts
    FOR EACH ROW EXECUTE FUNCTION guard_payout_change();

-- Claw-backs (workflow.Clawback): a case officer demands money back (krav
-- om tilbakebetaling); finance records it repaid or writes it off.
CREATE TABLE clawbacks (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    amount_ore     bigint NOT NULL CHECK (amount_ore > 0),
    reason         text NOT NULL CHECK (reason <> ''),
    state          text NOT NULL DEFAULT 'raised' CHECK (state IN ('raised', 'repaid', 'written_off')),
    version        int NOT NULL DEFAULT 1 CHECK (version >= 1),
    raised_by      bigint NOT NULL REFERENCES users,
    raised_at      timestamptz NOT NULL DEFAULT now(),
    resolved_by    bigint REFERENCES users,
    resolved_at    timestamptz,
    erp_reference  text NOT NULL DEFAULT '' CHECK (length(erp_reference) <= 100),
    repaid_on      date,
    CHECK (state = 'raised' OR (resolved_by IS NOT NULL AND resolved_at IS NOT NULL)),
    CHECK (state <> 'repaid' OR (erp_reference <> '' AND repaid_on IS NOT NULL))
);
CREATE INDEX clawbacks_application ON clawbacks (application_id);
CREATE INDEX clawbacks_state ON clawbacks (state, id);

-- No application is asked to repay more than it was paid.
CREATE FUNCTION guard_clawback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'claw-backs are kept' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.state <> 'raised' THEN
            RAISE EXCEPTION 'claw-back % is % and frozen', OLD.id, OLD.state USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF (NEW.id, NEW.application_id, NEW.amount_ore, NEW.reason, NEW.raised_by, NEW.raised_at)
           IS DISTINCT FROM (OLD.id, OLD.application_id, OLD.amount_ore, OLD.reason, OLD.raised_by, OLD.raised_at) THEN
            RAISE EXCEPTION 'the terms of claw-back % are fixed', OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF (SELECT COALESCE(sum(amount_ore), 0) FROM clawbacks WHERE application_id = NEW.application_id) + NEW.amount_ore >
       (SELECT COALESCE(sum(amount_ore), 0) FROM ledger_entries WHERE application_id = NEW.application_id AND kind = 'payment') THEN
        RAISE EXCEPTION 'application % would be asked to repay more than it was paid', NEW.application_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER clawbacks_guarded BEFORE INSERT OR UPDATE OR DELETE ON clawbacks
    FOR EACH ROW EXECUTE FUNCTION guard_clawback();

CREATE TABLE clawback_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clawback_id bigint NOT NULL REFERENCES clawbacks,
    version     int NOT NULL CHECK (version >= 1),
    actor_id    bigint REFERENCES users,
    event       text NOT NULL,
    from_state  text NOT NULL DEFAULT '',
    to_state    text NOT NULL,
    comment     text NOT NULL DEFAULT '',
    request_id  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (clawback_id, version)
);
CREATE TRIGGER clawback_events_append_only BEFORE UPDATE OR DELETE ON clawback_events
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER clawback_events_no_truncate BEFORE TRUNCATE ON clawback_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

-- The ledger learns payments (committed → paid) and repayments (money
-- demanded back and repaid). A release may name the tranche it cancels.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check;
ALTER TABLE ledger_entries
    ADD CONSTRAINT ledger_entries_kind_check CHECK (kind IN ('commitment', 'release', 'payment', 'repayment')),
    ADD COLUMN payout_id   bigint REFERENCES payouts,
    ADD COLUMN clawback_id bigint REFERENCES clawbacks,
    ADD CONSTRAINT ledger_entries_payment_names_tranche CHECK (kind <> 'payment' OR payout_id IS NOT NULL),
    ADD CONSTRAINT ledger_entries_tranche_kinds CHECK (payout_id IS NULL OR kind IN ('payment', 'release')),
    ADD CONSTRAINT ledger_entries_repayment_names_clawback CHECK ((kind = 'repayment') = (clawback_id IS NOT NULL));

-- THE double-payment guard: a tranche is paid once, whatever runs
-- concurrently. Likewise a tranche is cancelled once, a demand repaid once.
CREATE UNIQUE INDEX ledger_entries_one_payment_per_tranche ON ledger_entries (payout_id) WHERE kind = 'payment';
CREATE UNIQUE INDEX ledger_entries_one_release_per_tranche ON ledger_entries (payout_id) WHERE kind = 'release';
CREATE UNIQUE INDEX ledger_entries_one_repayment_per_clawback ON ledger_entries (clawback_id) WHERE kind = 'repayment';

-- A payment records a paid tranche at its amount, and an application is
-- never paid more than its latest decision granted; a repayment records a
-- repaid demand at its amount.
CREATE FUNCTION check_ledger_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p payouts%ROWTYPE;
    c clawbacks%ROWTYPE;
BEGIN
    IF NEW.kind = 'payment' THEN
        SELECT * INTO p FROM payouts WHERE id = NEW.payout_id;
        IF NOT FOUND OR p.state <> 'paid' OR p.amount_ore <> NEW.amount_ore OR p.application_id <> NEW.application_id THEN
            RAISE EXCEPTION 'a payment must record a paid tranche at its amount' USING ERRCODE = 'check_violation';
        END IF;
        IF (SELECT COALESCE(sum(amount_ore), 0) FROM ledger_entries WHERE application_id = NEW.application_id AND kind = 'payment')
           + NEW.amount_ore >
           COALESCE((SELECT amount_ore FROM decisions WHERE application_id = NEW.application_id ORDER BY id DESC LIMIT 1), 0) THEN
            RAISE EXCEPTION 'application % would be paid more than granted', NEW.application_id USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.kind = 'repayment' THEN
        SELECT * INTO c FROM clawbacks WHERE id = NEW.clawback_id;
        IF NOT FOUND OR c.state <> 'repaid' OR c.amount_ore <> NEW.amount_ore OR c.application_id <> NEW.application_id THEN
            RAISE EXCEPTION 'a repayment must record a repaid demand at its amount' USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_entries_checked BEFORE INSERT ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION check_ledger_entry();
