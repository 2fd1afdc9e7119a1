package listening

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/listen"
	"github.com/heed-dev/heed/internal/listen/source"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/store"
)

// Options tune a Service; the zero value is usable.
type Options struct {
	// RingSize is how many recent stream posts the live preview tests a
	// draft rule against (default 500).
	RingSize int
	// Refresh is how often the rule set is re-read from the database, for
	// edits made on other nodes (default 30 s; edits on this node apply at once).
	Refresh time.Duration
	Spike   SpikeOptions
	// Registry holds the listening channel's Connector; New binds it so
	// replies go out from the workspace's own account on the post's network.
	Registry *channel.Registry
}

// Waker is told that inbound events were stored (the inbound processor).
type Waker interface{ Wake() }

// Service matches stream posts against every workspace's rules and stores
// the matches. Safe for concurrent use.
type Service struct {
	store    *store.Store
	analyzer *analyze.Analyzer
	inbound  Waker
	broker   realtime.Broker
	log      *slog.Logger
	opts     Options

	matcher listen.Matcher
	rules   atomic.Pointer[ruleSet]
	loadMu  sync.Mutex // one reload at a time

	ring  *ring
	spike *detector

	chMu     sync.Mutex
	channels map[string]model.Channel // workspace id → its listening channel
}

// ruleSet maps the matcher's ids (workspace/rule) to the rules.
type ruleSet struct {
	byKey map[string]store.ListenRule
	sig   string // changes when any enabled rule does
}

// New builds a Service. inbound and broker may be nil (no conversations
// are woken, no live events).
func New(s *store.Store, a *analyze.Analyzer, inbound Waker, b realtime.Broker, log *slog.Logger, opts Options) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.RingSize <= 0 {
		opts.RingSize = 500
	}
	if opts.Refresh <= 0 {
		opts.Refresh = 30 * time.Second
	}
	svc := &Service{store: s, analyzer: a, inbound: inbound, broker: b, log: log, opts: opts,
		ring: newRing(opts.RingSize), channels: map[string]model.Channel{}}
	svc.spike = newDetector(s, b, log, opts.Spike.withDefaults())
	svc.rules.Store(&ruleSet{byKey: map[string]store.ListenRule{}})
	if c, ok := opts.Registry.Get(ChannelType); ok {
		if lc, ok := c.(*Connector); ok {
			lc.bind(s, opts.Registry)
		}
	}
	return svc
}

func matcherKey(r store.ListenRule) string { return r.WorkspaceID + "/" + r.ID }

// Reload compiles the enabled rules of all workspaces into the matcher and
// swaps them in without pausing the streams. A rule that no longer compiles
// (the language changed under it) is left out and logged; the others work.
func (s *Service) Reload(ctx context.Context) error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	rules, err := s.store.ListEnabledListenRules(ctx)
	if err != nil {
		return fmt.Errorf("listening: reload: %w", err)
	}
	var sig strings.Builder
	for _, r := range rules {
		// Everything the set is used for, not updated_at: two edits in one
		// millisecond must not look like none.
		fmt.Fprintf(&sig, "%q %q %q %q %q %q\n", r.ID, r.WorkspaceID, r.Name, r.Query, r.Action, r.Kind)
	}
	if cur := s.rules.Load(); cur != nil && cur.sig == sig.String() && len(rules) > 0 {
		return nil
	}
	for {
		set := &ruleSet{byKey: make(map[string]store.ListenRule, len(rules)), sig: sig.String()}
		compiled := make([]listen.Rule, 0, len(rules))
		for _, r := range rules {
			set.byKey[matcherKey(r)] = r
			compiled = append(compiled, listen.Rule{ID: matcherKey(r), Query: r.Query})
		}
		err := s.matcher.Update(compiled)
		var re *listen.RuleError
		if errors.As(err, &re) && re.Index < len(rules) {
			s.log.Warn("listening rule does not compile; left out", "rule_id", rules[re.Index].ID, "error", re.Err)
			rules = slices.Delete(rules, re.Index, re.Index+1)
			continue
		}
		if err != nil {
			return fmt.Errorf("listening: compile rules: %w", err)
		}
		// The set is stored after the matcher: a match of a new rule found
		// before its entry exists is dropped below, never misattributed.
		s.rules.Store(set)
		return nil
	}
}

// Stats describes the compiled rule set.
func (s *Service) Stats() listen.Stats { return s.matcher.Stats() }

// HandlePost matches one stream post and stores it as a mention for every
// workspace whose rules it matched. It returns after the mentions (and the
// inbound events of "conversation" rules) are committed.
func (s *Service) HandlePost(ctx context.Context, p source.Post) (matched bool, err error) {
	pending := s.match(ctx, p)
	if len(pending) == 0 {
		return false, nil
	}
	return true, s.storeBatch(ctx, pending)
}

// pendingMention is a matched post for one workspace, not yet stored.
type pendingMention struct {
	m     store.Mention
	rules []store.ListenRule
	open  bool // a "conversation" rule matched: also store its inbound event
}

// match remembers p for the preview and returns its mentions, one per
// workspace whose rules it matched (nil for most posts of a firehose).
func (s *Service) match(ctx context.Context, p source.Post) []pendingMention {
	s.ring.add(p)
	keys := s.matcher.Match(listen.Post{ID: p.ID, Text: p.Text, Lang: p.Lang, Author: p.Author})
	if len(keys) == 0 {
		return nil
	}
	set := s.rules.Load()
	var out []pendingMention
	idx := map[string]int{}
	for _, k := range keys {
		r, ok := set.byKey[k]
		if !ok {
			continue // compiled a moment before its rule set was published
		}
		i, seen := idx[r.WorkspaceID]
		if !seen {
			i = len(out)
			idx[r.WorkspaceID] = i
			out = append(out, pendingMention{m: store.Mention{WorkspaceID: r.WorkspaceID}})
		}
		out[i].rules = append(out[i].rules, r)
		out[i].m.RuleIDs = append(out[i].m.RuleIDs, r.ID)
		out[i].open = out[i].open || r.Action == store.ListenActionConversation
	}
	if len(out) == 0 {
		return nil
	}
	var res analyze.Result
	if s.analyzer != nil {
		res = s.analyzer.Analyze(ctx, analyze.Input{ID: p.ID, Text: p.Text, Lang: p.Lang, Network: p.Network, Public: true})
	}
	analysis, _ := json.Marshal(res)
	posted := p.CreatedAt
	if posted.IsZero() {
		posted = s.store.Now()
	}
	for i := range out {
		m := &out[i].m
		m.Network, m.PostID, m.URL, m.Author, m.AuthorID, m.Text, m.Lang = p.Network, p.ID, p.URL, p.Author, p.AuthorID, p.Text, p.Lang
		m.PostedAt, m.Sentiment, m.SentimentLabel = posted.UTC(), res.Sentiment.Compound, res.Sentiment.Label
		m.Spam, m.Intent, m.Analysis = res.Spam.Label, res.Intent, analysis
		out[i].open = out[i].open && !res.Spam.Label // spam opens no conversation
	}
	return out
}

// storeBatch commits mentions (and the inbound events of those to open as
// conversations) in one transaction: on PostgreSQL the commit is most of
// the cost of a mention, so a busy stream stores its matches in batches.
// After the commit it publishes the news and checks the rules for spikes.
func (s *Service) storeBatch(ctx context.Context, pending []pendingMention) error {
	channels := map[string]model.Channel{}
	for _, pm := range pending {
		if pm.open {
			ch, err := s.listeningChannel(ctx, pm.m.WorkspaceID)
			if err != nil {
				return err
			}
			channels[pm.m.WorkspaceID] = ch
		}
	}
	created := make([]bool, len(pending))
	stored := make([]store.Mention, len(pending))
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		for i, pm := range pending {
			m, ok, err := tx.InsertMention(ctx, pm.m)
			if err != nil {
				return err
			}
			stored[i], created[i] = m, ok
			if ok && pm.open {
				if err := s.enqueue(ctx, tx, channels[pm.m.WorkspaceID], m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("listening: store mentions: %w", err)
	}
	woke := false
	for i, pm := range pending {
		if !created[i] {
			continue // the same post again (a replayed stream): stored once
		}
		if pm.open && !woke && s.inbound != nil {
			s.inbound.Wake()
			woke = true
		}
		if s.broker != nil {
			s.broker.Publish(realtime.WorkspaceTopic(pm.m.WorkspaceID), realtime.Event{Type: "mention", ID: stored[i].ID})
		}
		for _, r := range pm.rules {
			if err := s.spike.observe(ctx, r, stored[i].PostedAt); err != nil {
				s.log.Warn("spike check", "rule_id", r.ID, "error", err)
			}
		}
	}
	return nil
}

// enqueue stores a mention as a raw inbound event of the listening channel;
// a repeat (the same post opened twice) is a no-op.
func (s *Service) enqueue(ctx context.Context, tx *store.Store, ch model.Channel, m store.Mention) error {
	payload, err := json.Marshal(Payload{Network: m.Network, PostID: m.PostID, URL: m.URL, Author: m.Author, AuthorID: m.AuthorID,
		Text: m.Text, CreatedAt: m.PostedAt.UTC().Format(time.RFC3339Nano)})
	if err != nil {
		return err
	}
	_, _, err = tx.InsertInboundEvent(ctx, model.InboundEvent{ChannelID: ch.ID, ExternalID: ExternalID(m.Network, m.PostID), Payload: payload})
	return err
}

// OpenConversation opens an inbox conversation for a stored mention (the
// feed's one-click action). It returns at once; the conversation appears
// when the pipeline has processed the event (see ConversationOf).
func (s *Service) OpenConversation(ctx context.Context, workspaceID, mentionID string) (store.Mention, error) {
	m, err := s.store.GetMention(ctx, workspaceID, mentionID)
	if err != nil {
		return m, err
	}
	ch, err := s.listeningChannel(ctx, workspaceID)
	if err != nil {
		return m, err
	}
	if err := s.store.WithTx(ctx, func(tx *store.Store) error { return s.enqueue(ctx, tx, ch, m) }); err != nil {
		return m, fmt.Errorf("listening: open conversation: %w", err)
	}
	if s.inbound != nil {
		s.inbound.Wake()
	}
	return m, nil
}

// ConversationOf returns the conversation opened for a mention ("" while
// none exists yet), remembering it on the mention.
func (s *Service) ConversationOf(ctx context.Context, m store.Mention) (string, error) {
	if m.ConversationID != "" {
		return m.ConversationID, nil
	}
	ch, err := s.findListeningChannel(ctx, m.WorkspaceID, false)
	if err != nil || ch.ID == "" {
		return "", err // no listening channel yet: nothing was ever opened
	}
	msg, err := s.store.GetMessageByExternalID(ctx, ch.ID, ExternalID(m.Network, m.PostID))
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if err := s.store.SetMentionConversation(ctx, m.WorkspaceID, m.Network, m.PostID, msg.ConversationID); err != nil {
		return "", err
	}
	return msg.ConversationID, nil
}

// listeningChannel returns the workspace's listening channel, creating it on
// first use.
func (s *Service) listeningChannel(ctx context.Context, workspaceID string) (model.Channel, error) {
	return s.findListeningChannel(ctx, workspaceID, true)
}

// findListeningChannel returns the workspace's listening channel; without
// create, a workspace that has none gets the zero Channel.
func (s *Service) findListeningChannel(ctx context.Context, workspaceID string, create bool) (model.Channel, error) {
	s.chMu.Lock()
	defer s.chMu.Unlock()
	if ch, ok := s.channels[workspaceID]; ok {
		return ch, nil
	}
	chs, err := s.store.ListChannels(ctx, workspaceID)
	if err != nil {
		return model.Channel{}, fmt.Errorf("listening: channels: %w", err)
	}
	for _, ch := range chs {
		if ch.Type == ChannelType {
			s.channels[workspaceID] = ch
			return ch, nil
		}
	}
	if !create {
		return model.Channel{}, nil
	}
	raw := make([]byte, 16)
	rand.Read(raw)
	ch, err := s.store.CreateChannel(ctx, model.Channel{WorkspaceID: workspaceID, Type: ChannelType, Name: "Listening", Secret: hex.EncodeToString(raw)})
	if err != nil {
		return ch, fmt.Errorf("listening: create channel: %w", err)
	}
	s.channels[workspaceID] = ch
	return ch, nil
}

// Recent returns the posts of the live-preview buffer, newest first.
func (s *Service) Recent() []source.Post { return s.ring.snapshot() }

// Preview tests a draft query against the recent posts; it returns the
// matching posts (newest first, at most limit) and how many were tested.
// A query that does not parse returns a *listen.SyntaxError.
func (s *Service) Preview(query string, limit int) (matches []source.Post, tested int, err error) {
	m, err := listen.NewMatcher([]listen.Rule{{ID: "preview", Query: query}})
	if err != nil {
		var re *listen.RuleError
		if errors.As(err, &re) {
			return nil, 0, re.Err
		}
		return nil, 0, err
	}
	posts := s.ring.snapshot()
	var buf []string
	for _, p := range posts {
		buf = m.AppendMatch(buf[:0], listen.Post{ID: p.ID, Text: p.Text, Lang: p.Lang, Author: p.Author})
		if len(buf) > 0 && len(matches) < limit {
			matches = append(matches, p)
		}
	}
	return matches, len(posts), nil
}

// ring keeps the last n posts of all streams.
type ring struct {
	mu    sync.Mutex
	posts []source.Post
	next  int
	full  bool
}

func newRing(n int) *ring { return &ring{posts: make([]source.Post, n)} }

func (r *ring) add(p source.Post) {
	r.mu.Lock()
	r.posts[r.next] = p
	r.next++
	if r.next == len(r.posts) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
}

func (r *ring) snapshot() []source.Post {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.next
	if r.full {
		n = len(r.posts)
	}
	out := make([]source.Post, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, r.posts[(r.next-i+len(r.posts))%len(r.posts)])
	}
	return out
}
