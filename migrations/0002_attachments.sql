-- Files attached to applications. The bytes live in object storage under
-- object_key; the row is written only after the object is stored.
CREATE TABLE attachments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    object_key     text NOT NULL UNIQUE,
    name           text NOT NULL CHECK (name <> '' AND length(name) <= 255),
    content_type   text NOT NULL,
    size           bigint NOT NULL CHECK (size > 0),
    sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by    bigint NOT NULL REFERENCES users,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_application ON attachments (application_id, id);

-- History rows that change nothing of the application itself (a download,
-- an attachment added or removed) carry no version: the versioned rows
-- still number the application's versions one to one.
ALTER TABLE application_events ALTER COLUMN version DROP NOT NULL;
