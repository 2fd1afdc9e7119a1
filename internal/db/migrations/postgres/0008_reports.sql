-- Reports select conversations by when they started ([from, to) on
-- created_at); without this index every report walks the whole table.
CREATE INDEX conversations_created ON conversations (workspace_id, created_at);
