-- Whether a reply passed the composer's checks when it was sent (the
-- reports' scorecard: share of replies that passed). TRUE: no warning;
-- FALSE: at least one warning (blocking or not) from the checks the
-- workspace has switched on; NULL: not checked: customer messages, notes,
-- imported history, replies sent with no composer configured, and every
-- row written before this migration (internal/inbox/NOTES.md).
-- A plain ADD COLUMN: no rewrite of messages on either engine.
ALTER TABLE messages ADD COLUMN checks_passed BOOLEAN;
