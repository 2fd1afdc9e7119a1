package inbox

import (
	"context"
	"regexp"
	"strings"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// A saved reply's variables, e.g. {{customer.first_name}}.
var variable = regexp.MustCompile(`\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}`)

// ExpandSavedReply fills a saved reply's variables for a conversation and an
// agent. Unknown variables stay as written, so the agent sees them.
func ExpandSavedReply(body string, conv model.Conversation, agent model.Agent) string {
	first, _, _ := strings.Cut(strings.TrimSpace(conv.CustomerName), " ")
	agentFirst, _, _ := strings.Cut(strings.TrimSpace(agent.Name), " ")
	var initials strings.Builder
	for _, w := range strings.Fields(agent.Name) {
		r := []rune(w)
		initials.WriteString(strings.ToUpper(string(r[0])))
	}
	values := map[string]string{
		"agent.initials":      initials.String(),
		"customer.first_name": first, "customer.name": conv.CustomerName, "customer.handle": conv.CustomerHandle,
		"agent.name": agent.Name, "agent.first_name": agentFirst, "conversation.id": conv.ID, "channel.name": conv.ChannelName,
	}
	return variable.ReplaceAllStringFunc(body, func(m string) string {
		key := variable.FindStringSubmatch(m)[1]
		if v, ok := values[key]; ok {
			return v
		}
		return m
	})
}

// SavedRepliesFor returns the saved replies usable in a conversation (its
// channel type's variants first) with their variables filled in.
func (s *Service) SavedRepliesFor(ctx context.Context, actor model.Agent, conv model.Conversation) ([]store.SavedReply, error) {
	rs, err := s.store.ListSavedReplies(ctx, actor.WorkspaceID, conv.ChannelType)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []store.SavedReply
	for _, r := range rs { // channel variants sort before the general one of the same name
		if seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		r.Body = ExpandSavedReply(r.Body, conv, actor)
		out = append(out, r)
	}
	return out, nil
}
