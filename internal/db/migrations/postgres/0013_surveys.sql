-- CSAT / NPS surveys. survey_settings holds a workspace's configuration (no
-- row: surveys are off); surveys holds one row per resolution a survey was
-- planned for. (conversation_id, resolved_at) is unique: resolving twice
-- without a reopening never asks twice.
CREATE TABLE survey_settings (
    workspace_id   TEXT PRIMARY KEY REFERENCES workspaces(id),
    enabled        BOOLEAN NOT NULL DEFAULT FALSE,
    kind           TEXT NOT NULL DEFAULT 'csat' CHECK (kind IN ('csat', 'nps')),
    question       TEXT NOT NULL DEFAULT '',
    delay_seconds  BIGINT NOT NULL DEFAULT 0,
    answer_days    INTEGER NOT NULL DEFAULT 7,
    cooldown_days  INTEGER NOT NULL DEFAULT 7,
    channel_ids    TEXT NOT NULL DEFAULT '',
    updated_at     BIGINT NOT NULL
);

CREATE TABLE surveys (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id),
    conversation_id  TEXT NOT NULL REFERENCES conversations(id),
    identity_id      TEXT NOT NULL,
    resolved_at      BIGINT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('csat', 'nps')),
    question         TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('scheduled', 'sent', 'answered', 'cancelled', 'failed')),
    due_at           BIGINT NOT NULL,
    sent_at          BIGINT,
    expires_at       BIGINT,
    score            INTEGER,
    answer_text      TEXT NOT NULL DEFAULT '',
    answered_at      BIGINT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    error            TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    UNIQUE (conversation_id, resolved_at)
);
CREATE INDEX surveys_pending ON surveys (identity_id, status, sent_at);
CREATE INDEX surveys_due ON surveys (status, due_at);
CREATE INDEX surveys_conversation ON surveys (conversation_id, created_at);
