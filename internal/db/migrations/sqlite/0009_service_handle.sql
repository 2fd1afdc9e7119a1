-- Service-handle routing: service posts that arrive on a brand's main
-- account are answered from its service handle (a channel of the same type
-- marked {"service_handle": true} in its settings).
ALTER TABLE conversations ADD COLUMN reply_channel_id TEXT REFERENCES channels(id);
