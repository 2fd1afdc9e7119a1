-- Platform connectors: sealed credentials (tokens, app secrets), health of
-- the connection with a visible reason, and a polling cursor.
ALTER TABLE channels ADD COLUMN credentials TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN health TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE channels ADD COLUMN health_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN poll_cursor TEXT NOT NULL DEFAULT '';

-- Upstream edits and deletions: the original text stays in the audit trail.
ALTER TABLE messages ADD COLUMN edited_at BIGINT;
ALTER TABLE messages ADD COLUMN deleted_at BIGINT;
ALTER TABLE messages ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT FALSE;
