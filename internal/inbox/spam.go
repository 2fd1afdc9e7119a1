package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// SpamLearner is told when a workspace's model changed (the analyze stage's cache).
type SpamLearner interface {
	Forget(workspaceID string)
}

// MarkSpam records an agent's verdict on a conversation's customer messages:
// the workspace's spam model learns from each of them (online, persisted),
// and the conversation moves in or out of the spam view.
func (s *Service) MarkSpam(ctx context.Context, actor model.Agent, conversationID string, spam bool) error {
	verdict := "not_spam"
	if spam {
		verdict = "spam"
	}
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		conv, err := tx.GetConversation(ctx, actor.WorkspaceID, conversationID)
		if err != nil {
			return err
		}
		msgs, err := tx.ListMessages(ctx, conv.ID)
		if err != nil {
			return err
		}
		m := analyze.NewSpamModel()
		data, _, err := tx.GetSpamModel(ctx, actor.WorkspaceID)
		switch {
		case err == nil:
			if err := m.UnmarshalJSON(data); err != nil {
				return fmt.Errorf("spam model: %w", err)
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		learned := 0
		for _, msg := range msgs {
			if msg.Direction != model.DirectionIn || msg.SpamVerdict == verdict {
				continue
			}
			m.Learn(msg.Text, spam)
			learned++
			if err := tx.SetSpamVerdict(ctx, msg.ID, verdict); err != nil {
				return err
			}
		}
		if learned > 0 {
			out, err := m.MarshalJSON()
			if err != nil {
				return fmt.Errorf("spam model: %w", err)
			}
			if err := tx.SaveSpamModel(ctx, actor.WorkspaceID, out); err != nil {
				return err
			}
		}
		if err := tx.SetConversationSpam(ctx, actor.WorkspaceID, conv.ID, spam); err != nil {
			return err
		}
		evData, _ := json.Marshal(map[string]any{"spam": spam, "learned": learned})
		if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: actor.WorkspaceID, ConversationID: conv.ID, ActorAgentID: actor.ID, Kind: "spam", Data: evData}); err != nil {
			return err
		}
		return s.reevaluate(ctx, tx, conv.ID)
	})
	if err != nil {
		return fmt.Errorf("mark spam: %w", err)
	}
	if s.Learner != nil {
		s.Learner.Forget(actor.WorkspaceID)
	}
	s.Changed(actor.WorkspaceID, conversationID, "")
	return nil
}

// CanSeePersonalData reports whether the viewer sees personal data in public
// posts unmasked; agents see it masked, supervisors and admins in full.
func CanSeePersonalData(viewer model.Agent) bool { return viewer.Role.AtLeast(model.RoleSupervisor) }

// DisplayText returns a message's text as the viewer may see it: personal data
// found in a public customer post is masked for viewers without permission.
func DisplayText(m model.Message, viewer model.Agent) string {
	if !m.Public || m.Direction != model.DirectionIn || len(m.Analysis) == 0 || CanSeePersonalData(viewer) {
		return m.Text
	}
	var a struct {
		PersonalData []analyze.Span `json:"personal_data"`
	}
	if json.Unmarshal(m.Analysis, &a) != nil || len(a.PersonalData) == 0 {
		return m.Text
	}
	return analyze.Mask(m.Text, a.PersonalData)
}
