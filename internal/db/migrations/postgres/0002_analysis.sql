-- Analysis results summarised on the conversation, so the inbox can filter
-- and badge without parsing every message's JSON.
ALTER TABLE conversations ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN sentiment_score DOUBLE PRECISION;
ALTER TABLE conversations ADD COLUMN sentiment_label TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN intent TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN spam BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversations ADD COLUMN personal_data BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversations ADD COLUMN needs_response BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX conversations_sentiment ON conversations (workspace_id, sentiment_label, last_message_at DESC);

-- An agent's correction of the spam label of a message.
ALTER TABLE messages ADD COLUMN spam_verdict TEXT NOT NULL DEFAULT '' CHECK (spam_verdict IN ('', 'spam', 'not_spam'));

-- Per-workspace order-number pattern (a regular expression; '' for none).
ALTER TABLE workspaces ADD COLUMN order_pattern TEXT NOT NULL DEFAULT '';

-- Each workspace's online spam model: the agents' corrections on top of the
-- built-in baseline.
CREATE TABLE spam_models (
    workspace_id  TEXT PRIMARY KEY REFERENCES workspaces(id),
    model         TEXT NOT NULL,
    version       BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
