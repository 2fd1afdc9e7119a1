-- The open inbox (every status but resolved) is the hottest query; without
-- this index it walks the whole inbox and skips resolved rows one by one.
CREATE INDEX conversations_open ON conversations (workspace_id, last_message_at DESC, id DESC) WHERE status <> 'resolved';
