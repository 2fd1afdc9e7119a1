package store

import "context"

// SetRedirectReason records why a public conversation was taken private
// (a key of inbox.RedirectReasons). It is set only while empty: the
// first move's reason is the redirect's reason, a later move (reusing the
// same private conversation) keeps it. An empty reason changes nothing.
func (s *Store) SetRedirectReason(ctx context.Context, workspaceID, conversationID, reason string) error {
	if reason == "" {
		return nil
	}
	_, err := s.exec(ctx, `UPDATE conversations SET redirect_reason = ? WHERE id = ? AND workspace_id = ? AND redirect_reason = ''`,
		reason, conversationID, workspaceID)
	return s.mapErr("set redirect reason", err)
}
