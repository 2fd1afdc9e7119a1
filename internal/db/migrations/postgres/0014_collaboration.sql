-- Collaboration (issue 4): the contributor role, per-workspace composer check
-- settings, replies waiting for approval, and who is viewing or typing.
ALTER TABLE agents DROP CONSTRAINT agents_role_check;
ALTER TABLE agents ADD CONSTRAINT agents_role_check CHECK (role IN ('admin', 'supervisor', 'agent', 'contributor'));

-- One row per workspace; checks is a JSON object {"spelling": "off"|"warn"|"block", ...},
-- a check absent from it keeps its default.
CREATE TABLE compose_settings (
    workspace_id            TEXT PRIMARY KEY REFERENCES workspaces(id),
    checks                  TEXT NOT NULL DEFAULT '{}',
    blocking_needs_approval BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at              BIGINT NOT NULL
);

-- A reply that waits for a supervisor: never sent, never seen by the customer
-- until approved (then message_id is the sent reply).
CREATE TABLE reply_approvals (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id),
    conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    author_agent_id  TEXT NOT NULL REFERENCES agents(id),
    text             TEXT NOT NULL,
    public           BOOLEAN NOT NULL,
    holding          BOOLEAN NOT NULL DEFAULT FALSE,
    reason           TEXT NOT NULL CHECK (reason IN ('contributor', 'blocking_check')),
    checks           TEXT NOT NULL DEFAULT '[]',
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by       TEXT REFERENCES agents(id),
    decided_at       BIGINT,
    reject_reason    TEXT NOT NULL DEFAULT '',
    message_id       TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX reply_approvals_queue ON reply_approvals (workspace_id, status, created_at);
CREATE INDEX reply_approvals_conversation ON reply_approvals (conversation_id, created_at);

-- Presence: refreshed by heartbeats from open pages, stale rows simply expire
-- (readers compare with now). Stored so that every node sees every viewer.
CREATE TABLE presence (
    conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    agent_id         TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    workspace_id     TEXT NOT NULL,
    viewing_until    BIGINT NOT NULL,
    typing_until     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, agent_id)
);
CREATE INDEX presence_workspace ON presence (workspace_id, viewing_until);
