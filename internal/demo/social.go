package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/channel/meta/metatest"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
	"github.com/heed-dev/heed/internal/model"
)

// social plays customers on the emulated X and Meta: mentions, replies,
// Page comments, Messenger and Instagram DMs, delivered to Heed's webhooks as
// the platforms would, and answers when the brand replies.
type social struct {
	x         *xtest.Server
	meta      *metatest.Server
	xHook     string
	xSecret   string
	metaHook  string
	metaAppSc string
	pagePost  string

	mu       sync.Mutex
	answered map[string]bool // brand replies already answered
}

func newSocial(ctx context.Context, g *generator, workspaceID, base string) (*social, error) {
	s := &social{x: xtest.New(), meta: metatest.New(), answered: map[string]bool{}}
	go func() { <-ctx.Done(); s.x.Close(); s.meta.Close() }()
	noPoll := map[string]any{"no_poll": true}
	mk := func(typ, name string, settings json.RawMessage, creds map[string]string) (model.Channel, error) {
		var set map[string]any
		json.Unmarshal(settings, &set)
		for k, v := range noPoll {
			set[k] = v
		}
		raw, _ := json.Marshal(set)
		return g.a.Accounts.CreateChannel(ctx, accounts.NewChannel{WorkspaceID: workspaceID, Type: typ, Name: name, Settings: raw, Credentials: creds})
	}
	xc := s.x.Channel()
	xch, err := mk("x", "@"+s.x.Brand.Username, xc.Settings, xc.Credentials)
	if err != nil {
		return nil, err
	}
	s.xHook, s.xSecret = base+"/hooks/"+xch.ID, s.x.ConsumerSecret
	fb := s.meta.Channel("facebook", nil)
	fbch, err := mk("facebook", "Demo Brand Page", fb.Settings, fb.Credentials)
	if err != nil {
		return nil, err
	}
	for _, typ := range []string{"messenger", "instagram"} {
		c := s.meta.Channel(typ, nil)
		if _, err := mk(typ, "Demo Brand "+strings.ToUpper(typ[:1])+typ[1:], c.Settings, c.Credentials); err != nil {
			return nil, err
		}
	}
	s.metaHook, s.metaAppSc = base+"/hooks/"+fbch.ID, s.meta.Credentials()["app_secret"]
	s.pagePost = s.meta.Post("We're rolling out a new app this week. Tell us what you think!").ID
	return s, nil
}

// post sends one customer event on a random network, delivered at once.
func (s *social) post(p post, who, network int) {
	n := names[who]
	switch network % 4 {
	case 0:
		s.x.PostMention(xtest.User{ID: fmt.Sprint(9000 + who), Username: n.handle, Name: n.name, Followers: int64(50 + who*900)}, "@"+s.x.Brand.Username+" "+p.text, "")
	case 1:
		s.meta.Comment(s.pagePost, metatest.User{ID: fmt.Sprint(7000 + who), Name: n.name}, p.text)
	case 2:
		s.meta.Message(metatest.User{ID: fmt.Sprint("psid-", 7000+who), Name: n.name}, p.text)
	default:
		s.x.SendDM(xtest.User{ID: fmt.Sprint(9000 + who), Username: n.handle, Name: n.name}, p.text)
	}
	s.deliver()
}

func (s *social) deliver() {
	s.x.DeliverWebhook(s.xHook, s.xSecret)
	s.meta.DeliverWebhook(s.metaHook, s.metaAppSc)
}

// answerBack has customers react to the brand's public replies on X.
func (s *social) answerBack(g *generator) {
	for _, tw := range s.x.Tweets() {
		if tw.AuthorID != s.x.Brand.ID || tw.InReplyTo == "" {
			continue
		}
		s.mu.Lock()
		done := s.answered[tw.ID]
		s.answered[tw.ID] = true
		s.mu.Unlock()
		g.mu.Lock()
		skip, text := g.rng.IntN(2) == 0, followUps[g.rng.IntN(len(followUps))]
		g.mu.Unlock()
		if done || skip {
			continue
		}
		to, ok := s.x.Tweet(tw.InReplyTo)
		if !ok || to.AuthorID == s.x.Brand.ID {
			continue
		}
		who := xtest.User{ID: to.AuthorID, Username: "customer" + to.AuthorID}
		s.x.PostMention(who, "@"+s.x.Brand.Username+" "+text, tw.ID)
	}
	s.deliver()
}

// every runs f on a ticker until ctx ends.
func every(ctx context.Context, d time.Duration, f func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}

// Handle lets a caller (a test, a presenter) act on the demo's emulated
// platforms.
type Handle struct{ s *social }

// Comment posts a customer comment on the demo Page and delivers it.
func (h Handle) Comment(name, text string) string {
	c := h.s.meta.Comment(h.s.pagePost, metatest.User{ID: fmt.Sprint("demo-", time.Now().UnixNano()), Name: name}, text)
	h.s.deliver()
	return c.ID
}

// PrivateReplies lists the private replies the brand sent to Page comments.
func (h Handle) PrivateReplies() []metatest.PrivateReply { return h.s.meta.PrivateReplies() }

// Hidden lists the comments hidden on the Page.
func (h Handle) Hidden() []string { return h.s.meta.Hidden() }
