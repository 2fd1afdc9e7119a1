package inbox

import (
	"context"
	"strings"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// CheckDraft runs the composer's pre-send checks on a draft reply in the
// context of its conversation: the customer's names, the thread's mood and
// personal data, the channel's limits, and the team's recent replies.
func (s *Service) CheckDraft(ctx context.Context, c *compose.Checker, reg Registry, actor model.Agent, conversationID, text string, public bool) (compose.Result, error) {
	conv, err := s.store.GetConversation(ctx, actor.WorkspaceID, conversationID)
	if err != nil {
		return compose.Result{}, err
	}
	if actor.Role == model.RoleContributor && conv.AssigneeID != actor.ID {
		return compose.Result{}, store.ErrNotFound // contributors see only what is assigned to them
	}
	return s.runChecks(ctx, c, reg, actor, conv, text, public)
}

// runChecks is CheckDraft on a conversation already read and access already
// granted: the send path (screenReply, an approved reply) checks the final
// text with exactly the inputs the composer had while the agent typed.
func (s *Service) runChecks(ctx context.Context, c *compose.Checker, reg Registry, actor model.Agent, conv model.Conversation, text string, public bool) (compose.Result, error) {
	in := compose.Input{Text: text, Public: public && conv.Public, ChannelType: conv.ChannelType, Language: conv.Language,
		ConversationID: conv.ID, AgentName: actor.Name, CustomerNegative: conv.SentimentLabel == "negative",
		ThreadHasPersonalData: conv.PersonalData}
	first, _, _ := strings.Cut(strings.TrimSpace(conv.CustomerName), " ")
	in.Customer = compose.Customer{Name: conv.CustomerName, FirstName: first, Handle: conv.CustomerHandle}
	if reg != nil {
		if conn, ok := reg.Get(conv.ChannelType); ok {
			caps := conn.Capabilities()
			in.MaxLength = caps.MaxLength
			if !in.Public && caps.MaxPrivate > 0 {
				in.MaxLength = caps.MaxPrivate
			}
		}
	}
	saved, err := s.store.ListSavedReplies(ctx, actor.WorkspaceID, conv.ChannelType)
	if err != nil {
		return compose.Result{}, err
	}
	for _, r := range saved {
		// Compared as the customer would receive them: variables filled.
		in.SavedReplies = append(in.SavedReplies, compose.SavedReply{Name: r.Name, Text: ExpandSavedReply(r.Body, conv, actor)})
	}
	// Brand and product names the workspace added: spelled right for everyone.
	if in.WorkspaceWords, err = s.workspaceWords(ctx, actor.WorkspaceID); err != nil {
		return compose.Result{}, err
	}
	recent, err := s.store.ListRecentReplies(ctx, actor.WorkspaceID, 50)
	if err != nil {
		return compose.Result{}, err
	}
	for _, r := range recent {
		in.RecentReplies = append(in.RecentReplies, compose.RecentReply{Text: r.Text, ConversationID: r.ConversationID, CustomerName: r.CustomerName})
	}
	// The workspace's choices: checks switched off, warning or blocking.
	set, err := s.store.GetComposeSettings(ctx, actor.WorkspaceID)
	if err != nil {
		return compose.Result{}, err
	}
	in.Settings = checkerSettings(set)
	return c.Result(in), nil
}
