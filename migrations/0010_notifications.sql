-- Notifications, the mail preferences behind them, the reminders already
-- sent, and decisions that became final when their appeal deadline ran
-- out. River's own tables (the job queue) are created by its migrator,
-- run by the same migration runner.

-- A notification to one user about one application (and, where set, one
-- of its reports or payouts). It is written in the transaction of the
-- event that causes it; mail says how it is mailed, fixed when it is
-- written from the user's preference.
CREATE TABLE notifications (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    application_id bigint NOT NULL REFERENCES applications,
    report_id      bigint REFERENCES reports,
    payout_id      bigint REFERENCES payouts,
    params         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    mail           text NOT NULL CHECK (mail IN ('immediately', 'digest', 'off')),
    mailed_at      timestamptz,
    read_at        timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_digest ON notifications (user_id, id) WHERE mail = 'digest' AND mailed_at IS NULL;

-- How a user wants to be mailed about a kind; no row means immediately.
CREATE TABLE notification_preferences (
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    kind    text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    mail    text NOT NULL CHECK (mail IN ('immediately', 'digest', 'off')),
    PRIMARY KEY (user_id, kind)
);

-- Each reminder step sent, so that a step fires once whatever runs it:
-- the primary key is the guard.
CREATE TABLE reminders_sent (
    kind       text NOT NULL,
    subject_id bigint NOT NULL,
    step       text NOT NULL,
    sent_at    timestamptz NOT NULL,
    PRIMARY KEY (kind, subject_id, step)
);

-- Decisions whose appeal deadline ran out unused: final (endelig).
CREATE TABLE final_decisions (
    decision_id bigint PRIMARY KEY REFERENCES decisions,
    final_at    timestamptz NOT NULL
);
