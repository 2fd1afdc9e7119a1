-- Heed schema v1. Times are unix milliseconds (UTC) in BIGINT columns on both
-- engines; ids are ULID text generated in Go.
CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE agents (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id),
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
    password_hash  TEXT NOT NULL,
    availability   TEXT NOT NULL DEFAULT 'online' CHECK (availability IN ('online', 'away', 'offline')),
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL
);

CREATE TABLE teams (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    name          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE team_members (
    team_id   TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    agent_id  TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, agent_id)
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    agent_id    TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    agent_id      TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);

CREATE TABLE channels (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    type          TEXT NOT NULL,
    name          TEXT NOT NULL,
    secret        TEXT NOT NULL,
    callback_url  TEXT NOT NULL DEFAULT '',
    settings      TEXT NOT NULL DEFAULT '{}',
    created_at    BIGINT NOT NULL
);

-- Raw inbound events, stored before the platform is acknowledged.
CREATE TABLE inbound_events (
    id            TEXT PRIMARY KEY,
    channel_id    TEXT NOT NULL REFERENCES channels(id),
    external_id   TEXT NOT NULL,
    payload       TEXT NOT NULL,
    received_at   BIGINT NOT NULL,
    processed_at  BIGINT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    UNIQUE (channel_id, external_id)
);
CREATE INDEX inbound_events_pending ON inbound_events (id) WHERE processed_at IS NULL;

CREATE TABLE customers (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    name          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE identities (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    customer_id   TEXT NOT NULL REFERENCES customers(id),
    network       TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    handle        TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    UNIQUE (workspace_id, network, external_id)
);
CREATE INDEX identities_customer ON identities (customer_id);

CREATE TABLE conversations (
    id                      TEXT PRIMARY KEY,
    workspace_id            TEXT NOT NULL REFERENCES workspaces(id),
    channel_id              TEXT NOT NULL REFERENCES channels(id),
    customer_id             TEXT NOT NULL REFERENCES customers(id),
    identity_id             TEXT NOT NULL REFERENCES identities(id),
    thread_id               TEXT NOT NULL,
    public                  BOOLEAN NOT NULL,
    status                  TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'waiting', 'resolved')),
    priority                INTEGER NOT NULL DEFAULT 0,
    assignee_id             TEXT REFERENCES agents(id),
    team_id                 TEXT REFERENCES teams(id),
    preview                 TEXT NOT NULL DEFAULT '',
    created_at              BIGINT NOT NULL,
    last_message_at         BIGINT NOT NULL,
    waiting_since           BIGINT,
    first_response_at       BIGINT,
    first_response_seconds  BIGINT,
    resolved_at             BIGINT,
    resolution_seconds      BIGINT,
    UNIQUE (channel_id, thread_id)
);
CREATE INDEX conversations_inbox ON conversations (workspace_id, last_message_at DESC, id DESC);
CREATE INDEX conversations_status ON conversations (workspace_id, status, last_message_at DESC, id DESC);
CREATE INDEX conversations_assignee ON conversations (assignee_id, status, last_message_at DESC);

CREATE TABLE messages (
    id                 TEXT PRIMARY KEY,
    workspace_id       TEXT NOT NULL REFERENCES workspaces(id),
    conversation_id    TEXT NOT NULL REFERENCES conversations(id),
    channel_id         TEXT NOT NULL REFERENCES channels(id),
    direction          TEXT NOT NULL CHECK (direction IN ('in', 'out', 'note')),
    author_agent_id    TEXT REFERENCES agents(id),
    external_id        TEXT,
    in_reply_to        TEXT NOT NULL DEFAULT '',
    text               TEXT NOT NULL,
    public             BOOLEAN NOT NULL,
    analysis           TEXT NOT NULL DEFAULT '',
    created_at         BIGINT NOT NULL,
    delivery_status    TEXT NOT NULL DEFAULT '' CHECK (delivery_status IN ('', 'queued', 'sent', 'failed')),
    delivery_attempts  INTEGER NOT NULL DEFAULT 0,
    delivery_error     TEXT NOT NULL DEFAULT '',
    delivered_at       BIGINT
);
CREATE INDEX messages_conversation ON messages (conversation_id, created_at, id);
CREATE UNIQUE INDEX messages_external ON messages (channel_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX messages_undelivered ON messages (delivery_status) WHERE delivery_status = 'queued';

-- The audit trail of everything that happened to a conversation.
CREATE TABLE events (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id),
    conversation_id  TEXT,
    actor_agent_id   TEXT,
    kind             TEXT NOT NULL,
    data             TEXT NOT NULL DEFAULT '{}',
    created_at       BIGINT NOT NULL
);
CREATE INDEX events_conversation ON events (conversation_id, created_at);
