-- Saved replies: a workspace's reusable answers with variables
-- ({{customer.first_name}}, {{agent.name}}, {{conversation.id}}), optionally
-- for one channel type.
CREATE TABLE saved_replies (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    name          TEXT NOT NULL,
    body          TEXT NOT NULL,
    channel_type  TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    UNIQUE (workspace_id, name, channel_type)
);
