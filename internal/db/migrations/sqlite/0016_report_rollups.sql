-- Reports at scale (internal/report/NOTES.md, "Scale").
--
-- 1. The first substantive reply's visibility and agent are kept on the
--    conversation, so a report reads one row per conversation instead of
--    looking the reply up among the messages. Triggers keep them right
--    whichever code path writes the reply or the first-response time.
ALTER TABLE conversations ADD COLUMN first_reply_public BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversations ADD COLUMN first_replier_id TEXT;

UPDATE conversations SET
    first_reply_public = COALESCE((SELECT m.public FROM messages m WHERE m.conversation_id = conversations.id
        AND m.created_at = conversations.first_response_at AND m.direction = 'out' AND m.holding = FALSE ORDER BY m.id LIMIT 1), FALSE),
    first_replier_id = (SELECT m.author_agent_id FROM messages m WHERE m.conversation_id = conversations.id
        AND m.created_at = conversations.first_response_at AND m.direction = 'out' AND m.holding = FALSE ORDER BY m.id LIMIT 1)
WHERE first_response_at IS NOT NULL;

CREATE TRIGGER conversations_first_reply_on_message AFTER INSERT ON messages
WHEN NEW.direction = 'out' AND NEW.holding = FALSE
BEGIN
    UPDATE conversations SET
        first_reply_public = COALESCE((SELECT m.public FROM messages m WHERE m.conversation_id = conversations.id
            AND m.created_at = conversations.first_response_at AND m.direction = 'out' AND m.holding = FALSE ORDER BY m.id LIMIT 1), FALSE),
        first_replier_id = (SELECT m.author_agent_id FROM messages m WHERE m.conversation_id = conversations.id
            AND m.created_at = conversations.first_response_at AND m.direction = 'out' AND m.holding = FALSE ORDER BY m.id LIMIT 1)
    WHERE id = NEW.conversation_id AND first_response_at = NEW.created_at;
END;

CREATE TRIGGER conversations_first_reply_on_update AFTER UPDATE OF conversation_id, direction, holding, public, author_agent_id, created_at ON messages
BEGIN
    UPDATE conversations SET
        first_reply_public = COALESCE((SELECT m.public FROM messages m WHERE m.conversation_id = conversations.id
            AND m.created_at = conversations.first_response_at AND m.direction = 'out' AND m.holding = FALSE ORDER BY m.id LIMIT 1), FALSE),
        first_replier_id = (SELECT m.author_agent_id FROM messages m WHERE m.conversation_id = conversations.id
            AND m.created_at = conversations.first_response_at AND m.direction = 'out' AND m.holding = FALSE ORDER BY m.id LIMIT 1)
    WHERE id IN (NEW.conversation_id, OLD.conversation_id) AND first_response_at IS NOT NULL;
END;

CREATE TRIGGER conversations_first_reply_on_time AFTER UPDATE OF first_response_at ON conversations
WHEN OLD.first_response_at IS NOT NEW.first_response_at
BEGIN
    UPDATE conversations SET
        first_reply_public = COALESCE((SELECT m.public FROM messages m WHERE m.conversation_id = NEW.id
            AND m.created_at = NEW.first_response_at AND m.direction = 'out' AND m.holding = FALSE ORDER BY m.id LIMIT 1), FALSE),
        first_replier_id = (SELECT m.author_agent_id FROM messages m WHERE m.conversation_id = NEW.id
            AND m.created_at = NEW.first_response_at AND m.direction = 'out' AND m.holding = FALSE ORDER BY m.id LIMIT 1)
    WHERE id = NEW.id;
END;

-- 2. Daily roll-ups. A change to anything a report counts marks the
--    conversation's start day (UTC) dirty; the report recomputes dirty days
--    from the conversations before it reads the roll-ups (store.RefreshReportRollups),
--    so the roll-ups are never stale when read, whichever code wrote the row.
--    span is 'day' (marked by the triggers) or 'month' (marked when one of its
--    days is recomputed). shard spreads PostgreSQL writers over several rows.
CREATE TABLE report_dirty (
    workspace_id  TEXT NOT NULL,
    span          TEXT NOT NULL CHECK (span IN ('day', 'month')),
    period        BIGINT NOT NULL,
    shard         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, span, period, shard)
);

-- Counts per day and dimension (dim 'channel', 'team', 'agent'; key is the
-- channel, team or agent id, see store.ReportDim*).
CREATE TABLE report_day_counts (
    workspace_id   TEXT NOT NULL,
    day            BIGINT NOT NULL,
    dim            TEXT NOT NULL,
    key            TEXT NOT NULL,
    conversations  BIGINT NOT NULL,
    needing        BIGINT NOT NULL,
    responded      BIGINT NOT NULL,
    public_first   BIGINT NOT NULL,
    with_policy    BIGINT NOT NULL,
    met_sla        BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, day, dim, key)
);

-- Duration histograms (metric 'first_response' or 'resolution') per day and
-- per calendar month: hist encodes, per bucket of report.durationBucket, the
-- count and the exact sum (store.ReportHistogram), so that a bucket holding
-- one distinct value gives it back exactly. One row per histogram, not per
-- bucket: a year-long report reads hundreds of rows, not a hundred thousand
-- (measured: the per-bucket rows made SQLite's GROUP BY the bottleneck).
CREATE TABLE report_durations (
    workspace_id  TEXT NOT NULL,
    span          TEXT NOT NULL,
    period        BIGINT NOT NULL,
    dim           TEXT NOT NULL,
    key           TEXT NOT NULL,
    metric        TEXT NOT NULL,
    hist          BLOB NOT NULL,
    PRIMARY KEY (workspace_id, span, period, dim, key, metric)
);

INSERT INTO report_dirty (workspace_id, span, period)
SELECT DISTINCT workspace_id, 'day', created_at - created_at % 86400000 FROM conversations;

CREATE TRIGGER report_dirty_on_insert AFTER INSERT ON conversations
BEGIN
    INSERT INTO report_dirty (workspace_id, span, period) VALUES (NEW.workspace_id, 'day', NEW.created_at - NEW.created_at % 86400000)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER report_dirty_on_delete AFTER DELETE ON conversations
BEGIN
    INSERT INTO report_dirty (workspace_id, span, period) VALUES (OLD.workspace_id, 'day', OLD.created_at - OLD.created_at % 86400000)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER report_dirty_on_update AFTER UPDATE ON conversations
WHEN OLD.workspace_id IS NOT NEW.workspace_id OR OLD.channel_id IS NOT NEW.channel_id OR OLD.created_at IS NOT NEW.created_at
    OR OLD.first_response_at IS NOT NEW.first_response_at OR OLD.resolved_at IS NOT NEW.resolved_at
    OR OLD.team_id IS NOT NEW.team_id OR OLD.needs_response IS NOT NEW.needs_response OR OLD.spam IS NOT NEW.spam
    OR OLD.sla_policy_id IS NOT NEW.sla_policy_id OR OLD.sla_breached IS NOT NEW.sla_breached
    OR OLD.first_reply_public IS NOT NEW.first_reply_public OR OLD.first_replier_id IS NOT NEW.first_replier_id
BEGIN
    INSERT INTO report_dirty (workspace_id, span, period) VALUES (OLD.workspace_id, 'day', OLD.created_at - OLD.created_at % 86400000)
    ON CONFLICT DO NOTHING;
    INSERT INTO report_dirty (workspace_id, span, period) VALUES (NEW.workspace_id, 'day', NEW.created_at - NEW.created_at % 86400000)
    ON CONFLICT DO NOTHING;
END;

-- 3. Reports list conversations ORDER BY created_at, id: with id in the
--    index the CSV export streams its first rows at once instead of sorting
--    the whole range first.
DROP INDEX conversations_created;
CREATE INDEX conversations_created ON conversations (workspace_id, created_at, id);
