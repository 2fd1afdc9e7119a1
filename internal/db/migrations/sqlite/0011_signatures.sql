-- Agent signatures per channel type, as saved-reply templates, e.g.
-- {"x": "^{{agent.initials}}", "facebook": "– {{agent.first_name}}"}.
ALTER TABLE workspaces ADD COLUMN signatures TEXT NOT NULL DEFAULT '{}';
