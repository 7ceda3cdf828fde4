-- Reporting: progress reports on the call's schedule and the final report
-- (sluttrapport) that releases the held-back tranche, and the unit
-- leader's end-of-project evaluation. Reports are created when a grant is
-- accepted.

ALTER TABLE calls ADD COLUMN progress_report_months int NOT NULL DEFAULT 6
    CHECK (progress_report_months BETWEEN 0 AND 60);

-- The report lifecycle (workflow.Report): draft → submitted → approved, or
-- returned to the applicant with a message and submitted again.
CREATE TABLE reports (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications,
    kind           text NOT NULL CHECK (kind IN ('progress', 'final')),
    due_date       date NOT NULL,
    state          text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'returned', 'approved')),
    work_done      text NOT NULL DEFAULT '' CHECK (length(work_done) <= 20000),
    results        text NOT NULL DEFAULT '' CHECK (length(results) <= 20000),
    in_use         text NOT NULL DEFAULT '' CHECK (length(in_use) <= 20000),
    spread         text NOT NULL DEFAULT '' CHECK (length(spread) <= 20000),
    lessons        text NOT NULL DEFAULT '' CHECK (length(lessons) <= 20000),
    -- spending per budget line of the application, in øre
    spending       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(spending) = 'array'),
    version        int NOT NULL DEFAULT 1 CHECK (version >= 1),
    submitted_at   timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- One final report per application.
CREATE UNIQUE INDEX reports_one_final ON reports (application_id) WHERE kind = 'final';
CREATE INDEX reports_application ON reports (application_id, due_date);
CREATE INDEX reports_open_due ON reports (due_date) WHERE state IN ('draft', 'returned');

-- Each report's append-only history: one row per version.
CREATE TABLE report_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id  bigint NOT NULL REFERENCES reports,
    version    int NOT NULL CHECK (version >= 1),
    actor_id   bigint REFERENCES users,
    event      text NOT NULL,
    from_state text NOT NULL DEFAULT '',
    to_state   text NOT NULL,
    comment    text NOT NULL DEFAULT '',
    request_id text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (report_id, version)
);
CREATE TRIGGER report_events_append_only BEFORE UPDATE OR DELETE ON report_events
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER report_events_no_truncate BEFORE TRUNCATE ON report_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();

-- The unit leader's end-of-project evaluation: a rating (1–5) and a text
-- per benefit category, avoided costs in øre, whether the solution stays
-- in operation and whether to nominate the project for the innovation
-- prize. One per application; the leader may revise it.
CREATE TABLE evaluations (
    application_id        bigint PRIMARY KEY REFERENCES applications,
    quality_rating        int NOT NULL CHECK (quality_rating BETWEEN 1 AND 5),
    quality_text          text NOT NULL DEFAULT '' CHECK (length(quality_text) <= 5000),
    efficiency_rating     int NOT NULL CHECK (efficiency_rating BETWEEN 1 AND 5),
    efficiency_text       text NOT NULL DEFAULT '' CHECK (length(efficiency_text) <= 5000),
    avoided_costs_rating  int NOT NULL CHECK (avoided_costs_rating BETWEEN 1 AND 5),
    avoided_costs_text    text NOT NULL DEFAULT '' CHECK (length(avoided_costs_text) <= 5000),
    avoided_costs_ore     bigint NOT NULL DEFAULT 0 CHECK (avoided_costs_ore >= 0),
    employee_rating       int NOT NULL CHECK (employee_rating BETWEEN 1 AND 5),
    employee_text         text NOT NULL DEFAULT '' CHECK (length(employee_text) <= 5000),
    citizen_rating        int NOT NULL CHECK (citizen_rating BETWEEN 1 AND 5),
    citizen_text          text NOT NULL DEFAULT '' CHECK (length(citizen_text) <= 5000),
    continues             boolean NOT NULL,
    nominate              boolean NOT NULL,
    author_id             bigint NOT NULL REFERENCES users,
    updated_at            timestamptz NOT NULL DEFAULT now()
);
