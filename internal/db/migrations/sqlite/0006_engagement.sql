-- Engagement counts reported by platforms over time, per message: the
-- velocity behind the virality score.
CREATE TABLE engagement_samples (
    message_id  TEXT NOT NULL REFERENCES messages(id),
    at          BIGINT NOT NULL,
    likes       BIGINT NOT NULL,
    replies     BIGINT NOT NULL,
    reposts     BIGINT NOT NULL,
    PRIMARY KEY (message_id, at)
);

ALTER TABLE conversations ADD COLUMN virality REAL NOT NULL DEFAULT 0;

-- When a post's virality crosses the threshold (and, if set, only when the
-- customer is negative), the conversation is escalated.
ALTER TABLE workspaces ADD COLUMN virality_threshold REAL NOT NULL DEFAULT 0.7;
ALTER TABLE workspaces ADD COLUMN virality_negative_only BOOLEAN NOT NULL DEFAULT TRUE;
