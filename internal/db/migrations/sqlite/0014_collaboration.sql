-- heed:foreign-keys-off
-- Collaboration (issue 4): the contributor role, per-workspace composer check
-- settings, replies waiting for approval, and who is viewing or typing.
--
-- SQLite cannot change a CHECK constraint in place, so agents is rebuilt the
-- documented way (lang_altertable.html, "making other kinds of table schema
-- changes"): the header line above makes the migrator run this file with
-- foreign keys off (they cannot be switched inside a transaction) and run
-- PRAGMA foreign_key_check before committing. With foreign keys on, DROP
-- TABLE agents would cascade into sessions, tokens and team members.
CREATE TABLE agents_new (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id),
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent', 'contributor')),
    password_hash  TEXT NOT NULL,
    availability   TEXT NOT NULL DEFAULT 'online' CHECK (availability IN ('online', 'away', 'offline')),
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    capacity       INTEGER NOT NULL DEFAULT 10,
    languages      TEXT NOT NULL DEFAULT '[]',
    channel_types  TEXT NOT NULL DEFAULT '[]',
    locations      TEXT NOT NULL DEFAULT '[]',
    last_assigned_at BIGINT
);
INSERT INTO agents_new (id, workspace_id, email, name, role, password_hash, availability, disabled, created_at,
                        capacity, languages, channel_types, locations, last_assigned_at)
    SELECT id, workspace_id, email, name, role, password_hash, availability, disabled, created_at,
           capacity, languages, channel_types, locations, last_assigned_at FROM agents;
DROP TABLE agents;
ALTER TABLE agents_new RENAME TO agents;

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
