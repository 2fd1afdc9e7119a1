package inbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// Engagement is what a platform reports about a message's reactions.
type Engagement = store.EngagementSample

// RecordEngagement re-scores the virality of the conversation of a message
// whenever a connector reports new counts. Crossing the workspace's
// threshold (for a negative customer, unless configured otherwise) escalates
// once: the conversation jumps to the top of the queue, supervisors are
// alerted and the event is recorded.
func (s *Service) RecordEngagement(ctx context.Context, channelID, externalID string, e Engagement) (score float64, escalated bool, err error) {
	var conv model.Conversation
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		m, err := tx.GetMessageByExternalID(ctx, channelID, externalID)
		if err != nil {
			return err
		}
		samples, err := tx.AddEngagementSample(ctx, m.ID, e)
		if err != nil {
			return err
		}
		in := make([]analyze.EngagementSample, len(samples))
		for i, x := range samples {
			in[i] = analyze.EngagementSample{At: x.At, Likes: x.Likes, Replies: x.Replies, Reposts: x.Reposts}
		}
		// No history of the author's or the account's usual engagement yet:
		// zero norms fall back to the library's floor.
		score = analyze.Virality(m.CreatedAt, analyze.Norms{}, in...)
		if conv, err = tx.GetConversation(ctx, m.WorkspaceID, m.ConversationID); err != nil {
			return err
		}
		ws, err := tx.GetWorkspace(ctx, m.WorkspaceID)
		if err != nil {
			return err
		}
		escalated = !conv.Escalated && !conv.Spam && ws.ViralityThreshold > 0 && score >= ws.ViralityThreshold &&
			(!ws.ViralityNegativeOnly || conv.SentimentLabel == "negative")
		if err := tx.SetVirality(ctx, conv.ID, score, escalated); err != nil {
			return err
		}
		if !escalated {
			return nil
		}
		data, _ := json.Marshal(map[string]any{"reason": "virality", "virality": score})
		if err := tx.InsertEvent(ctx, model.Event{WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, Kind: "escalated", Data: data}); err != nil {
			return err
		}
		sups, err := tx.ListAgentsByRole(ctx, conv.WorkspaceID, model.RoleSupervisor)
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Going viral (risk %.0f%%): %s on %s", score*100, conv.CustomerName, conv.ChannelName)
		for _, a := range sups {
			if _, err := tx.CreateNotification(ctx, store.Notification{WorkspaceID: conv.WorkspaceID, AgentID: a.ID, ConversationID: conv.ID, Kind: "escalation", Message: msg}); err != nil {
				return err
			}
		}
		tx.AfterCommit(func() {
			s.broker.Publish(realtime.WorkspaceTopic(conv.WorkspaceID), realtime.Event{Type: "notification", ID: conv.ID, ConversationID: conv.ID})
		})
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("record engagement: %w", err)
	}
	s.Changed(conv.WorkspaceID, conv.ID, "")
	return score, escalated, nil
}
