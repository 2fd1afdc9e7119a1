-- The composer's assists (issue 4): knowledge-base articles, the workspace's
-- own words for the spelling check, tags on saved replies (the `/` search
-- matches them), and the link between a public conversation and the private
-- one it was moved to.
CREATE TABLE kb_articles (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    title         TEXT NOT NULL,
    url           TEXT NOT NULL,
    tags          TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (workspace_id, url)
);

-- folded is the lower-cased word: one entry per word whatever its casing.
CREATE TABLE workspace_words (
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    folded        TEXT NOT NULL,
    word          TEXT NOT NULL,
    added_by      TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, folded)
);

ALTER TABLE saved_replies ADD COLUMN tags TEXT NOT NULL DEFAULT '';

-- One public conversation moves to at most one private one; a private one
-- may collect several public posts of the same customer.
CREATE TABLE conversation_moves (
    public_id     TEXT PRIMARY KEY REFERENCES conversations(id),
    private_id    TEXT NOT NULL REFERENCES conversations(id),
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    agent_id      TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE INDEX conversation_moves_private ON conversation_moves (private_id);
