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
    part          BLOB NOT NULL,
    PRIMARY KEY (workspace_id, span, period, channel_id)
);

INSERT INTO report_dash_dirty (workspace_id, hour)
SELECT DISTINCT workspace_id, created_at - created_at % 3600000 FROM conversations;

CREATE TRIGGER report_dash_dirty_on_insert AFTER INSERT ON conversations
BEGIN
    INSERT INTO report_dash_dirty (workspace_id, hour) VALUES (NEW.workspace_id, NEW.created_at - NEW.created_at % 3600000)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER report_dash_dirty_on_delete AFTER DELETE ON conversations
BEGIN
    INSERT INTO report_dash_dirty (workspace_id, hour) VALUES (OLD.workspace_id, OLD.created_at - OLD.created_at % 3600000)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER report_dash_dirty_on_update AFTER UPDATE ON conversations
WHEN OLD.workspace_id IS NOT NEW.workspace_id OR OLD.channel_id IS NOT NEW.channel_id OR OLD.created_at IS NOT NEW.created_at
    OR OLD.customer_id IS NOT NEW.customer_id OR OLD.public IS NOT NEW.public
    OR OLD.acknowledged_at IS NOT NEW.acknowledged_at OR OLD.first_response_at IS NOT NEW.first_response_at
    OR OLD.resolved_at IS NOT NEW.resolved_at OR OLD.needs_response IS NOT NEW.needs_response OR OLD.spam IS NOT NEW.spam
    OR OLD.sla_policy_id IS NOT NEW.sla_policy_id OR OLD.sla_breached IS NOT NEW.sla_breached
    OR OLD.sentiment_score IS NOT NEW.sentiment_score OR OLD.redirect_reason IS NOT NEW.redirect_reason
    OR OLD.first_reply_public IS NOT NEW.first_reply_public OR OLD.first_replier_id IS NOT NEW.first_replier_id
BEGIN
    INSERT INTO report_dash_dirty (workspace_id, hour) VALUES (OLD.workspace_id, OLD.created_at - OLD.created_at % 3600000)
    ON CONFLICT DO NOTHING;
    INSERT INTO report_dash_dirty (workspace_id, hour) VALUES (NEW.workspace_id, NEW.created_at - NEW.created_at % 3600000)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER report_dash_dirty_on_message AFTER INSERT ON messages
WHEN NEW.direction <> 'note'
BEGIN
    INSERT INTO report_dash_dirty (workspace_id, hour)
    SELECT workspace_id, created_at - created_at % 3600000 FROM conversations WHERE id = NEW.conversation_id
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER report_dash_dirty_on_message_delete AFTER DELETE ON messages
WHEN OLD.direction <> 'note'
BEGIN
    INSERT INTO report_dash_dirty (workspace_id, hour)
    SELECT workspace_id, created_at - created_at % 3600000 FROM conversations WHERE id = OLD.conversation_id
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER report_dash_dirty_on_message_update
AFTER UPDATE OF conversation_id, direction, holding, public, author_agent_id, text, analysis, created_at ON messages
BEGIN
    INSERT INTO report_dash_dirty (workspace_id, hour)
    SELECT workspace_id, created_at - created_at % 3600000 FROM conversations WHERE id IN (OLD.conversation_id, NEW.conversation_id)
    ON CONFLICT DO NOTHING;
END;
