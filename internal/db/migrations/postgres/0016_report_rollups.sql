-- Reports at scale (internal/report/NOTES.md, "Scale"). Same design as the
-- SQLite migration of this number; comments there.
ALTER TABLE conversations ADD COLUMN first_reply_public BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversations ADD COLUMN first_replier_id TEXT;

-- The first substantive reply of a conversation as the report sees it.
CREATE FUNCTION heed_first_reply(conv TEXT, at BIGINT, OUT public BOOLEAN, OUT agent TEXT) LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT m.public FROM messages m WHERE m.conversation_id = conv AND m.created_at = at
            AND m.direction = 'out' AND m.holding = FALSE ORDER BY m.id LIMIT 1), FALSE),
        (SELECT m.author_agent_id FROM messages m WHERE m.conversation_id = conv AND m.created_at = at
            AND m.direction = 'out' AND m.holding = FALSE ORDER BY m.id LIMIT 1)
$$;

UPDATE conversations c SET (first_reply_public, first_replier_id) = (SELECT f.public, f.agent FROM heed_first_reply(c.id, c.first_response_at) f)
WHERE c.first_response_at IS NOT NULL;

-- Statement-level with a transition table: the import inserts messages
-- by the thousand in one statement, and one UPDATE for them all costs far
-- less than a trigger call per row (measured: per-row triggers made the
-- PostgreSQL import 2.5-3x slower).
CREATE FUNCTION heed_first_reply_on_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversations c SET (first_reply_public, first_replier_id) = (SELECT f.public, f.agent FROM heed_first_reply(c.id, c.first_response_at) f)
    FROM (SELECT DISTINCT conversation_id, created_at FROM new_messages WHERE direction = 'out' AND NOT holding) m
    WHERE c.id = m.conversation_id AND c.first_response_at = m.created_at;
    RETURN NULL;
END
$$;
CREATE TRIGGER conversations_first_reply_on_message AFTER INSERT ON messages
    REFERENCING NEW TABLE AS new_messages FOR EACH STATEMENT EXECUTE FUNCTION heed_first_reply_on_messages();

-- A stored message that changes (rare) is handled row by row.
CREATE FUNCTION heed_first_reply_on_message_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversations c SET (first_reply_public, first_replier_id) = (SELECT f.public, f.agent FROM heed_first_reply(c.id, c.first_response_at) f)
    WHERE c.id IN (NEW.conversation_id, OLD.conversation_id) AND c.first_response_at IS NOT NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER conversations_first_reply_on_update AFTER UPDATE OF conversation_id, direction, holding, public, author_agent_id, created_at ON messages
    FOR EACH ROW EXECUTE FUNCTION heed_first_reply_on_message_update();

CREATE FUNCTION heed_first_reply_on_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.first_response_at IS NULL THEN
        NEW.first_reply_public := FALSE;
        NEW.first_replier_id := NULL;
    ELSE
        SELECT f.public, f.agent INTO NEW.first_reply_public, NEW.first_replier_id FROM heed_first_reply(NEW.id, NEW.first_response_at) f;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER conversations_first_reply_on_time BEFORE UPDATE OF first_response_at ON conversations
    FOR EACH ROW WHEN (OLD.first_response_at IS DISTINCT FROM NEW.first_response_at) EXECUTE FUNCTION heed_first_reply_on_time();

CREATE TABLE report_dirty (
    workspace_id  TEXT NOT NULL,
    span          TEXT NOT NULL CHECK (span IN ('day', 'month')),
    period        BIGINT NOT NULL,
    shard         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, span, period, shard)
);

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

CREATE TABLE report_durations (
    workspace_id  TEXT NOT NULL,
    span          TEXT NOT NULL,
    period        BIGINT NOT NULL,
    dim           TEXT NOT NULL,
    key           TEXT NOT NULL,
    metric        TEXT NOT NULL,
    hist          BYTEA NOT NULL,
    PRIMARY KEY (workspace_id, span, period, dim, key, metric)
);

INSERT INTO report_dirty (workspace_id, span, period)
SELECT DISTINCT workspace_id, 'day', created_at - created_at % 86400000 FROM conversations;

-- Every writing transaction inserts marks of its own (shard = its
-- transaction id), so writers never wait for each other on a mark: shared
-- marks locked until commit (an upsert) deadlocked two nodes' SLA ticks
-- that touched the same days in different orders. A refresh deletes the
-- marks committed before its DELETE and reads the facts after it, so a
-- writer that commits later keeps its mark and the day stays dirty. The
-- triggers are statement-level (transition tables): one insert per day a
-- statement touched, not one per row.
CREATE FUNCTION heed_report_dirty_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_dirty (workspace_id, span, period, shard)
    SELECT workspace_id, 'day', day, txid_current()
    FROM (SELECT DISTINCT workspace_id, created_at - created_at % 86400000 AS day FROM changed) d
    ON CONFLICT (workspace_id, span, period, shard) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_dirty_on_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION heed_report_dirty_insert();
CREATE TRIGGER report_dirty_on_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION heed_report_dirty_insert();

CREATE FUNCTION heed_report_dirty_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_dirty (workspace_id, span, period, shard)
    SELECT workspace_id, 'day', day, txid_current()
    FROM (
        SELECT o.workspace_id, o.created_at - o.created_at % 86400000 AS day FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.workspace_id IS DISTINCT FROM n.workspace_id OR o.channel_id IS DISTINCT FROM n.channel_id
            OR o.created_at IS DISTINCT FROM n.created_at OR o.first_response_at IS DISTINCT FROM n.first_response_at
            OR o.resolved_at IS DISTINCT FROM n.resolved_at OR o.team_id IS DISTINCT FROM n.team_id
            OR o.needs_response IS DISTINCT FROM n.needs_response OR o.spam IS DISTINCT FROM n.spam
            OR o.sla_policy_id IS DISTINCT FROM n.sla_policy_id OR o.sla_breached IS DISTINCT FROM n.sla_breached
            OR o.first_reply_public IS DISTINCT FROM n.first_reply_public OR o.first_replier_id IS DISTINCT FROM n.first_replier_id
        UNION
        SELECT n.workspace_id, n.created_at - n.created_at % 86400000 FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.workspace_id IS DISTINCT FROM n.workspace_id OR o.created_at IS DISTINCT FROM n.created_at
    ) d
    ON CONFLICT (workspace_id, span, period, shard) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_dirty_on_update AFTER UPDATE ON conversations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION heed_report_dirty_update();

-- 3. Reports list conversations ORDER BY created_at, id: with id in the
--    index the CSV export streams its first rows at once instead of sorting
--    the whole range first.
DROP INDEX conversations_created;
CREATE INDEX conversations_created ON conversations (workspace_id, created_at, id);
