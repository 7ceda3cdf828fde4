-- The public pages: what a case officer exempts from publication under
-- offentleglova, which attachments they publish, and full-text search over
-- the public texts of funded projects.

-- A field or an attachment of an application exempted from publication,
-- with its legal basis (offl. § 13: duty of confidentiality, e.g. personal
-- details or business secrets; offl. § 14: internal documents) and the
-- case officer's reason, which is never published. Exactly one of field
-- and attachment_id is set.
CREATE TABLE publication_exemptions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    field          text CHECK (field IN ('title', 'summary', 'unit', 'amount', 'final_report_summary')),
    attachment_id  bigint REFERENCES attachments ON DELETE CASCADE,
    legal_basis    text NOT NULL CHECK (legal_basis IN ('offl_13', 'offl_14')),
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    created_by     bigint NOT NULL REFERENCES users,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((field IS NULL) <> (attachment_id IS NULL))
);
CREATE UNIQUE INDEX publication_exemptions_field ON publication_exemptions (application_id, field) WHERE field IS NOT NULL;
CREATE UNIQUE INDEX publication_exemptions_attachment ON publication_exemptions (application_id, attachment_id)
    WHERE attachment_id IS NOT NULL;

-- Attachments a case officer has published. None is public by default:
-- attachments are written for the case, not for the public, and may hold
-- what offentleglova lets the municipality withhold. An exempted
-- attachment is never public, even if it is listed here.
CREATE TABLE public_attachments (
    attachment_id  bigint PRIMARY KEY REFERENCES attachments ON DELETE CASCADE,
    application_id bigint NOT NULL REFERENCES applications,
    published_by   bigint NOT NULL REFERENCES users,
    published_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX public_attachments_application ON public_attachments (application_id);

-- Full-text search in Norwegian over a project's title and summary and its
-- final report's summary. The public query also matches the text with the
-- exempted fields left out, so that a search never reveals exempted words.
CREATE INDEX applications_public_search ON applications
    USING gin (to_tsvector('norwegian', title || ' ' || summary));
CREATE INDEX reports_final_summary_search ON reports
    USING gin (to_tsvector('norwegian', summary)) WHERE kind = 'final';
CREATE INDEX decisions_approved ON decisions (application_id, id) WHERE outcome = 'approve';
