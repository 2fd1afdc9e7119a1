-- Routing rules of a workspace: the JSON array of routing.Rule, versioned so
-- every node reloads it when it changes.
CREATE TABLE routing_rules (
    workspace_id  TEXT PRIMARY KEY REFERENCES workspaces(id),
    rules         TEXT NOT NULL,
    version       BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- What auto-assignment needs to know about an agent.
ALTER TABLE agents ADD COLUMN capacity INTEGER NOT NULL DEFAULT 10;
ALTER TABLE agents ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agents ADD COLUMN channel_types TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agents ADD COLUMN locations TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agents ADD COLUMN last_assigned_at BIGINT;

ALTER TABLE conversations ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN sla_policy_override TEXT;
ALTER TABLE conversations ADD COLUMN escalated BOOLEAN NOT NULL DEFAULT FALSE;
-- The queue: open, unassigned, most urgent first, then oldest.
CREATE INDEX conversations_queue ON conversations (workspace_id, priority DESC, created_at) WHERE status <> 'resolved' AND assignee_id IS NULL;
