-- Dashboard roll-ups: the reports page's figures beyond the summary (volume
-- out, acknowledge and next-response times, the histogram, the heatmap,
-- sentiment, agents, scorecard) as mergeable JSON documents
-- (report.dashPart), one per channel and local hour of the conversations'
-- start (span 'hour'), per channel and local day (span 'day', merged from
-- the day's hours) and per channel and local month (span 'month', merged
-- from its days when a report first needs it; rebuilding a day drops its
-- month, and a built month has a marker row of channel ''). A page over a
-- year reads a few hundred rows instead of every conversation and message;
-- a change recomputes one hour of conversations and merges one day.
-- internal/report/NOTES.md, "Scale".
--
-- Periods are starts (unix ms) of hours and days in the workspace's time
-- zone, named by zone: the page's days and hours are local, so its ranges
-- (whole local days) need no partial days. A change of zone rebuilds them.
-- Dirty marks are UTC hours (triggers cannot know the zone; every offset in
-- use is a multiple of 15 minutes, so a UTC hour overlaps at most two local
-- hours). They depend on messages too, so there are triggers on both tables.
-- Marks are per writing transaction (shard = txid_current(), DO NOTHING)
-- like report_dirty's (0016), and the triggers statement-level.
-- Why a public conversation was taken private (inbox.RedirectReasons; ''
-- when not given), for the reports' redirect reasons.
ALTER TABLE conversations ADD COLUMN redirect_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE report_dash_dirty (
    workspace_id  TEXT NOT NULL,
    hour          BIGINT NOT NULL,
    shard         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, hour, shard)
);

CREATE TABLE report_dash (
    workspace_id  TEXT NOT NULL,
    span          TEXT NOT NULL CHECK (span IN ('hour', 'day', 'month')),
    period        BIGINT NOT NULL,
    channel_id    TEXT NOT NULL,
    zone          TEXT NOT NULL,
    part          BYTEA NOT NULL,
    PRIMARY KEY (workspace_id, span, period, channel_id)
);

INSERT INTO report_dash_dirty (workspace_id, hour)
SELECT DISTINCT workspace_id, created_at - created_at % 3600000 FROM conversations;

CREATE FUNCTION heed_report_dash_dirty_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_dash_dirty (workspace_id, hour, shard)
    SELECT DISTINCT workspace_id, created_at - created_at % 3600000, txid_current() FROM changed
    ON CONFLICT (workspace_id, hour, shard) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_dash_dirty_on_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION heed_report_dash_dirty_insert();
CREATE TRIGGER report_dash_dirty_on_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION heed_report_dash_dirty_insert();

CREATE FUNCTION heed_report_dash_dirty_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_dash_dirty (workspace_id, hour, shard)
    SELECT workspace_id, hour, txid_current()
    FROM (
        SELECT o.workspace_id, o.created_at - o.created_at % 3600000 AS hour FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.workspace_id IS DISTINCT FROM n.workspace_id OR o.channel_id IS DISTINCT FROM n.channel_id
            OR o.created_at IS DISTINCT FROM n.created_at OR o.customer_id IS DISTINCT FROM n.customer_id
            OR o.public IS DISTINCT FROM n.public OR o.acknowledged_at IS DISTINCT FROM n.acknowledged_at
            OR o.first_response_at IS DISTINCT FROM n.first_response_at OR o.resolved_at IS DISTINCT FROM n.resolved_at
            OR o.needs_response IS DISTINCT FROM n.needs_response OR o.spam IS DISTINCT FROM n.spam
            OR o.sla_policy_id IS DISTINCT FROM n.sla_policy_id OR o.sla_breached IS DISTINCT FROM n.sla_breached
            OR o.sentiment_score IS DISTINCT FROM n.sentiment_score OR o.redirect_reason IS DISTINCT FROM n.redirect_reason
            OR o.first_reply_public IS DISTINCT FROM n.first_reply_public OR o.first_replier_id IS DISTINCT FROM n.first_replier_id
        UNION
        SELECT n.workspace_id, n.created_at - n.created_at % 3600000 FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.workspace_id IS DISTINCT FROM n.workspace_id OR o.created_at IS DISTINCT FROM n.created_at
    ) d
    ON CONFLICT (workspace_id, hour, shard) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_dash_dirty_on_update AFTER UPDATE ON conversations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION heed_report_dash_dirty_update();

-- Messages mark their conversation's start hour. An update marks it only
-- when a column the dashboard reads changed (delivery bookkeeping does not).
CREATE FUNCTION heed_report_dash_dirty_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_dash_dirty (workspace_id, hour, shard)
    SELECT DISTINCT c.workspace_id, c.created_at - c.created_at % 3600000, txid_current()
    FROM (SELECT DISTINCT conversation_id FROM changed WHERE direction <> 'note') m
    JOIN conversations c ON c.id = m.conversation_id
    ON CONFLICT (workspace_id, hour, shard) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_dash_dirty_on_message AFTER INSERT ON messages
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION heed_report_dash_dirty_messages();
CREATE TRIGGER report_dash_dirty_on_message_delete AFTER DELETE ON messages
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION heed_report_dash_dirty_messages();

CREATE FUNCTION heed_report_dash_dirty_message_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_dash_dirty (workspace_id, hour, shard)
    SELECT DISTINCT c.workspace_id, c.created_at - c.created_at % 3600000, txid_current()
    FROM (
        SELECT o.conversation_id AS id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.conversation_id IS DISTINCT FROM n.conversation_id OR o.direction IS DISTINCT FROM n.direction
            OR o.holding IS DISTINCT FROM n.holding OR o.public IS DISTINCT FROM n.public
            OR o.author_agent_id IS DISTINCT FROM n.author_agent_id OR o.text IS DISTINCT FROM n.text
            OR o.analysis IS DISTINCT FROM n.analysis OR o.created_at IS DISTINCT FROM n.created_at
        UNION
        SELECT n.conversation_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.conversation_id IS DISTINCT FROM n.conversation_id
    ) m
    JOIN conversations c ON c.id = m.id
    ON CONFLICT (workspace_id, hour, shard) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_dash_dirty_on_message_update AFTER UPDATE ON messages
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION heed_report_dash_dirty_message_update();
