-- Listening (issue 5): rules per workspace, the mentions they heard, the
-- per-rule hourly links that spike detection counts, spike alerts, and each
-- stream's resume cursor.
CREATE TABLE listen_rules (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    name          TEXT NOT NULL,
    query         TEXT NOT NULL,
    action        TEXT NOT NULL DEFAULT 'feed' CHECK (action IN ('feed', 'conversation')),
    kind          TEXT NOT NULL DEFAULT 'brand' CHECK (kind IN ('brand', 'competitor')),
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);

-- One public post heard on a stream, once per workspace whose rules matched
-- it (dedupe key: workspace, network, post id).
CREATE TABLE mentions (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id),
    network          TEXT NOT NULL,
    post_id          TEXT NOT NULL,
    url              TEXT NOT NULL DEFAULT '',
    author           TEXT NOT NULL DEFAULT '',
    author_id        TEXT NOT NULL DEFAULT '',
    text             TEXT NOT NULL,
    lang             TEXT NOT NULL DEFAULT '',
    posted_at        BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    sentiment        DOUBLE PRECISION NOT NULL DEFAULT 0,
    sentiment_label  TEXT NOT NULL DEFAULT 'neutral',
    spam             BOOLEAN NOT NULL DEFAULT FALSE,
    intent           TEXT NOT NULL DEFAULT '',
    analysis         TEXT NOT NULL DEFAULT '{}',
    conversation_id  TEXT,
    UNIQUE (workspace_id, network, post_id)
);
CREATE INDEX mentions_feed ON mentions (workspace_id, posted_at DESC, id DESC);

-- Which rules a mention matched, with the post's hour (unix ms / 3,600,000):
-- volume per rule per hour is a count over this table.
CREATE TABLE mention_rules (
    mention_id    TEXT NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
    rule_id       TEXT NOT NULL,
    workspace_id  TEXT NOT NULL,
    hour          BIGINT NOT NULL,
    PRIMARY KEY (mention_id, rule_id)
);
CREATE INDEX mention_rules_hour ON mention_rules (rule_id, hour);
CREATE INDEX mention_rules_ws ON mention_rules (workspace_id, hour);

-- A volume spike of one rule. A burst is one row: start_hour is when it was
-- detected, last_hour grows while following hours stay anomalous.
CREATE TABLE listen_alerts (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    rule_id       TEXT NOT NULL,
    rule_name     TEXT NOT NULL,
    start_hour    BIGINT NOT NULL,
    last_hour     BIGINT NOT NULL,
    volume        BIGINT NOT NULL,
    baseline      DOUBLE PRECISION NOT NULL,
    threshold     DOUBLE PRECISION NOT NULL,
    top_terms     TEXT NOT NULL DEFAULT '[]',
    top_posts     TEXT NOT NULL DEFAULT '[]',
    created_at    BIGINT NOT NULL,
    UNIQUE (rule_id, start_hour)
);
CREATE INDEX listen_alerts_ws ON listen_alerts (workspace_id, created_at DESC);

-- Where each stream resumes after a restart.
CREATE TABLE listen_cursors (
    source      TEXT PRIMARY KEY,
    cursor      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
