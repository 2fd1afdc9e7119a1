package listening

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// ChannelType is the channel type of a workspace's listening channel: the
// inbox side of mentions that became conversations.
const ChannelType = "listening"

// Payload is the stored inbound event of a mention opened as a conversation.
type Payload struct {
	Network   string `json:"network"`
	PostID    string `json:"post_id"`
	URL       string `json:"url,omitempty"`
	Author    string `json:"author"`
	AuthorID  string `json:"author_id"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"` // RFC 3339
}

// ExternalID is the idempotency key of a mention's inbound event and the
// external id of its message: one per network post.
func ExternalID(network, postID string) string { return network + ":" + postID }

// Connector is the channel.Connector of listening channels. Nothing outside
// Heed can post to it (Verify refuses every webhook); the listening service
// stores its events directly. Replies go out through a connected account of
// the post's network in the same workspace (an X reply from the brand's X
// channel), found through the registry the service binds (Options.Registry).
type Connector struct {
	mu       sync.Mutex
	store    *store.Store
	registry *channel.Registry
}

// bind lets the connector find the workspace's accounts to reply from.
func (c *Connector) bind(s *store.Store, r *channel.Registry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.store, c.registry = s, r
}

func (*Connector) Type() string { return ChannelType }

// Network is the identity namespace: author ids carry their network as a
// prefix ("bluesky:did:plc:…"), so authors of different networks never merge.
func (*Connector) Network() string { return "listening" }

func (*Connector) Capabilities() channel.Capabilities {
	return channel.Capabilities{PublicReply: true}
}

// Verify refuses every request: listening events never come from outside.
func (*Connector) Verify(model.Channel, *http.Request, []byte) error { return channel.ErrBadSignature }

// Normalize turns a stored mention payload into a public post with its own
// thread (one conversation per listened post).
func (*Connector) Normalize(payload []byte) (channel.InboundMessage, error) {
	var p Payload
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&p); err != nil {
		return channel.InboundMessage{}, &channel.FieldError{Field: "body", Message: "malformed JSON: " + err.Error()}
	}
	for _, r := range []struct{ field, value string }{{"network", p.Network}, {"post_id", p.PostID}, {"text", p.Text}} {
		if strings.TrimSpace(r.value) == "" {
			return channel.InboundMessage{}, &channel.FieldError{Field: r.field, Message: "is required"}
		}
	}
	if !utf8.ValidString(p.Text) {
		return channel.InboundMessage{}, &channel.FieldError{Field: "text", Message: "not valid UTF-8"}
	}
	at, err := time.Parse(time.RFC3339Nano, p.CreatedAt)
	if err != nil {
		return channel.InboundMessage{}, &channel.FieldError{Field: "created_at", Message: "must be RFC 3339"}
	}
	author := p.AuthorID
	if author == "" {
		author = p.Author
	}
	if author == "" {
		author = "unknown"
	}
	id := ExternalID(p.Network, p.PostID)
	return channel.InboundMessage{ExternalID: id, ThreadID: "mention:" + id,
		Author: channel.Author{ID: p.Network + ":" + author, Handle: p.Author, Name: p.Author},
		Text:   p.Text, Public: true, CreatedAt: at.UTC()}, nil
}

// Send delivers a reply; see SendReply.
func (c *Connector) Send(ctx context.Context, ch model.Channel, out channel.Outbound) error {
	_, err := c.SendReply(ctx, ch, out)
	return err
}

// SendReply answers a listened post from a connected account of its network
// in the same workspace, with the ids that network knows (the post id, not
// the listening channel's prefixed one). Without such an account the reply
// fails for good, saying so: the listening channel has no voice of its own.
func (c *Connector) SendReply(ctx context.Context, ch model.Channel, out channel.Outbound) (channel.SendResult, error) {
	network, postID, ok := strings.Cut(strings.TrimPrefix(out.ThreadID, "mention:"), ":")
	if !ok || postID == "" {
		return channel.SendResult{}, fmt.Errorf("listening: thread %q names no post: %w", out.ThreadID, channel.ErrPermanent)
	}
	via, conn, err := c.replyChannel(ctx, ch.WorkspaceID, network)
	if err != nil {
		return channel.SendResult{}, err
	}
	if conn == nil {
		return channel.SendResult{}, fmt.Errorf("replies to listened %s posts go out from a connected %s account, and this workspace has none: %w",
			network, network, channel.ErrPermanent)
	}
	out.ThreadID, out.InReplyTo = postID, postID
	out.RecipientID = strings.TrimPrefix(out.RecipientID, network+":")
	if s, ok := conn.(channel.Sender); ok {
		return s.SendReply(ctx, via, out)
	}
	return channel.SendResult{}, conn.Send(ctx, via, out)
}

// replyChannel finds the workspace's healthy channel on network (nil
// connector: none).
func (c *Connector) replyChannel(ctx context.Context, workspaceID, network string) (model.Channel, channel.Connector, error) {
	c.mu.Lock()
	st, reg := c.store, c.registry
	c.mu.Unlock()
	if st == nil || reg == nil {
		return model.Channel{}, nil, nil
	}
	chs, err := st.ListChannels(ctx, workspaceID)
	if err != nil {
		return model.Channel{}, nil, err
	}
	for _, ch := range chs {
		if ch.Type == ChannelType || ch.Health == "unhealthy" {
			continue
		}
		if conn, ok := reg.Get(ch.Type); ok && conn.Network() == network {
			return ch, conn, nil
		}
	}
	return model.Channel{}, nil, nil
}
