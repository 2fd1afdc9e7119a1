package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/store"
)

// AnalyzeStage reads every inbound message before a person sees it: language,
// sentiment, spam (with the workspace's own corrections), intent, personal
// data, influence. The result is stored on the message and summarised on the
// conversation for inbox badges and filters.
type AnalyzeStage struct {
	Analyzer *analyze.Analyzer

	mu    sync.Mutex
	cache map[string]*workspaceModel
}

type workspaceModel struct {
	checked time.Time
	version int64
	spam    *analyze.SpamModel
	order   *regexp.Regexp
	pattern string
}

// modelTTL bounds how stale a node's copy of a workspace's spam model and
// order pattern may be after an agent's correction on another node.
const modelTTL = 2 * time.Second

func (*AnalyzeStage) Name() string { return "analyze" }

func (s *AnalyzeStage) Run(ctx context.Context, tx *store.Store, it *Item) error {
	wm, err := s.workspace(ctx, tx, it.Channel.WorkspaceID)
	if err != nil {
		return err
	}
	res := s.Analyzer.Analyze(ctx, analyze.Input{ID: it.Msg.ExternalID, Text: it.Msg.Text, Network: it.Connector.Network(),
		Public: it.Msg.Public, OrderPattern: wm.order, Spam: wm.spam, Followers: it.Msg.Author.Followers, Verified: it.Msg.Author.Verified})
	data, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encode analysis: %w", err)
	}
	it.Analysis = data
	it.Result = &res
	if res.MovePrivate {
		// The inbox row is seen by everyone: never show the data there.
		it.Preview = Preview(analyze.Mask(it.Msg.Text, res.PersonalData))
		if it.NewThread {
			if err := tx.TouchConversationInbound(ctx, it.Conversation.ID, it.Msg.CreatedAt, it.Preview); err != nil {
				return err
			}
		}
	}
	return tx.SetConversationAnalysis(ctx, it.Conversation.ID, store.ConversationAnalysis{
		Language: res.Language, SentimentScore: res.Sentiment.Compound, SentimentLabel: res.Sentiment.Label, Intent: res.Intent,
		Spam: res.Spam.Label, PersonalData: len(res.PersonalData) > 0, NeedsResponse: res.NeedsResponse})
}

// Forget drops a workspace's cached model (after a correction on this node).
func (s *AnalyzeStage) Forget(workspaceID string) {
	s.mu.Lock()
	delete(s.cache, workspaceID)
	s.mu.Unlock()
}

func (s *AnalyzeStage) workspace(ctx context.Context, tx *store.Store, wsID string) (*workspaceModel, error) {
	s.mu.Lock()
	if s.cache == nil {
		s.cache = map[string]*workspaceModel{}
	}
	wm := s.cache[wsID]
	s.mu.Unlock()
	now := time.Now()
	if wm != nil && now.Sub(wm.checked) < modelTTL {
		return wm, nil
	}
	version, err := tx.SpamModelVersion(ctx, wsID)
	if err != nil {
		return nil, err
	}
	ws, err := tx.GetWorkspace(ctx, wsID)
	if err != nil {
		return nil, err
	}
	next := &workspaceModel{checked: now, version: version, pattern: ws.OrderPattern}
	if wm != nil && wm.version == version {
		next.spam = wm.spam
	} else if version > 0 {
		data, _, err := tx.GetSpamModel(ctx, wsID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		m := analyze.NewSpamModel()
		if err == nil {
			if err := m.UnmarshalJSON(data); err != nil {
				return nil, fmt.Errorf("workspace %s spam model: %w", wsID, err)
			}
		}
		next.spam = m
	}
	if wm != nil && wm.pattern == ws.OrderPattern {
		next.order = wm.order
	} else if ws.OrderPattern != "" {
		// A bad pattern was refused when saved; if one slipped in, analyse
		// without it rather than stall the inbox.
		next.order, _ = regexp.Compile(ws.OrderPattern)
	}
	s.mu.Lock()
	s.cache[wsID] = next
	s.mu.Unlock()
	return next, nil
}
