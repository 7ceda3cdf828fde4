-- What a request with an Idempotency-Key produced, written in the effect's
-- own transaction (the response is saved only after the handler wrote it).
-- When the server dies between the two, a retry is answered from the
-- current state of this resource instead of 409 forever. The kind is a
-- store-level noun ("application", "report", "payout", "clawback",
-- "attachment"); the API decides how to show it.
ALTER TABLE idempotency_keys
    ADD COLUMN result_kind text,
    ADD COLUMN result_id   bigint,
    ADD CONSTRAINT idempotency_keys_result_whole CHECK ((result_kind IS NULL) = (result_id IS NULL));
