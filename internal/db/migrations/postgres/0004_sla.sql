-- SLA policies per workspace: targets in seconds, as JSON
-- {"first_response":{"warn":900,"max":1800},"next_response":{...},"resolution":{...}}.
CREATE TABLE sla_policies (
    id                   TEXT PRIMARY KEY,
    workspace_id         TEXT NOT NULL REFERENCES workspaces(id),
    name                 TEXT NOT NULL,
    channel_types        TEXT NOT NULL DEFAULT '[]',
    targets              TEXT NOT NULL,
    business_hours_only  BOOLEAN NOT NULL DEFAULT FALSE,
    position             INTEGER NOT NULL DEFAULT 0,
    created_at           BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);

-- The workspace's business hours (JSON of sla.Schedule; '' for none).
ALTER TABLE workspaces ADD COLUMN business_hours TEXT NOT NULL DEFAULT '';

-- SLA state of a conversation: the thresholds of its open clocks (warn = the
-- target, due = the maximum), acknowledgement, and when to look again.
ALTER TABLE conversations ADD COLUMN sla_policy_id TEXT;
ALTER TABLE conversations ADD COLUMN first_response_warn_at BIGINT;
ALTER TABLE conversations ADD COLUMN first_response_due_at BIGINT;
ALTER TABLE conversations ADD COLUMN next_response_warn_at BIGINT;
ALTER TABLE conversations ADD COLUMN next_response_due_at BIGINT;
ALTER TABLE conversations ADD COLUMN resolution_warn_at BIGINT;
ALTER TABLE conversations ADD COLUMN resolution_due_at BIGINT;
ALTER TABLE conversations ADD COLUMN acknowledged_at BIGINT;
ALTER TABLE conversations ADD COLUMN acknowledged_seconds BIGINT;
ALTER TABLE conversations ADD COLUMN sla_next_check_at BIGINT;
ALTER TABLE conversations ADD COLUMN sla_breached BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX conversations_sla_check ON conversations (sla_next_check_at) WHERE sla_next_check_at IS NOT NULL;

-- A holding reply acknowledges without answering: the response clock runs on.
ALTER TABLE messages ADD COLUMN holding BOOLEAN NOT NULL DEFAULT FALSE;

-- Each SLA threshold fires once per conversation, whichever node sees it
-- first: the primary key is the guard.
CREATE TABLE sla_firings (
    conversation_id  TEXT NOT NULL REFERENCES conversations(id),
    fire_key         TEXT NOT NULL,
    metric           TEXT NOT NULL,
    level            TEXT NOT NULL,
    crossed_at       BIGINT NOT NULL,
    fired_at         BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, fire_key)
);

CREATE TABLE notifications (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id),
    agent_id         TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    conversation_id  TEXT,
    kind             TEXT NOT NULL,
    message          TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    read_at          BIGINT
);
CREATE INDEX notifications_agent ON notifications (agent_id, created_at DESC);

-- Outbound webhooks of a workspace (SLA warnings and breaches, …), signed
-- with their secret.
CREATE TABLE webhooks (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    url           TEXT NOT NULL,
    secret        TEXT NOT NULL,
    events        TEXT NOT NULL DEFAULT '[]',
    created_at    BIGINT NOT NULL
);
