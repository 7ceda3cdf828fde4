-- ERP export batches: authorised (paid) tranches handed to the ERP system
-- as a file. A batch is recorded once and never changes, so re-exporting
-- it yields the same file; a tranche is in at most one batch.
CREATE TABLE payout_exports (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_by bigint NOT NULL REFERENCES users,
    created_at timestamptz NOT NULL DEFAULT now(),
    count      int NOT NULL CHECK (count > 0),
    total_ore  bigint NOT NULL CHECK (total_ore > 0)
);
CREATE TRIGGER payout_exports_append_only BEFORE UPDATE OR DELETE ON payout_exports
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER payout_exports_no_truncate BEFORE TRUNCATE ON payout_exports
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

-- The batch a tranche was exported in: one column, so at most one batch,
-- and only a paid tranche is exported.
ALTER TABLE payouts
    ADD COLUMN export_id bigint REFERENCES payout_exports,
    ADD CONSTRAINT payouts_exported_when_paid CHECK (export_id IS NULL OR state = 'paid');
CREATE INDEX payouts_export ON payouts (export_id, id) WHERE export_id IS NOT NULL;
CREATE INDEX payouts_unexported ON payouts (id) WHERE state = 'paid' AND export_id IS NULL;

-- guard_payout_change as in 0005, with one exception to a paid tranche
-- being frozen: it may be put in a batch, once, and nothing else with it.
CREATE OR REPLACE FUNCTION guard_payout_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'payouts are kept' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.export_id IS NOT NULL AND NEW.export_id IS DISTINCT FROM OLD.export_id THEN
        RAISE EXCEPTION 'payout % is already in export batch %', OLD.id, OLD.export_id USING ERRCODE = 'unique_violation';
    END IF;
    IF OLD.state = 'paid' AND OLD.export_id IS NULL AND NEW.export_id IS NOT NULL
       AND (to_jsonb(NEW) - 'export_id') = (to_jsonb(OLD) - 'export_id') THEN
        RETURN NEW;
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
