package meta

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// base is shared by the three connectors.
type base struct {
	// Client calls the Graph API; its timeout bounds one call.
	Client *http.Client
	// Now is the clock used to date rate-limit resets (tests fake it).
	Now func() time.Time
	enr *enricher
}

func newBase(client *http.Client) base {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return base{Client: client, Now: time.Now, enr: newEnricher(client, time.Now)}
}

func (b *base) graph(ch model.Channel) (graph, error) {
	now := b.Now
	if now == nil {
		now = time.Now
	}
	return newGraph(b.Client, now, ch)
}

// Connectors returns the facebook, messenger and instagram connectors,
// sharing one HTTP client (nil: a 10-second-timeout client).
func Connectors(client *http.Client) []channel.Connector {
	return []channel.Connector{NewFacebook(client), NewMessenger(client), NewInstagram(client)}
}

// Thread id schemes.
const (
	threadComment   = "comment:"   // facebook: a top-level comment and its replies
	threadPost      = "post:"      // facebook: a visitor post
	threadPSID      = "psid:"      // messenger: a Page-scoped id
	threadIGComment = "igcomment:" // instagram: a top-level comment and its replies
	threadIGMention = "igmention:" // instagram: <media id>[:<comment id>]
	threadIGSID     = "igsid:"     // instagram: an Instagram-scoped id (DMs)
)

func checkText(text string, max int, what string) error {
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("meta: empty %s: %w", what, channel.ErrPermanent)
	}
	if n := utf8.RuneCountInString(text); n > max {
		return fmt.Errorf("meta: %s of %d characters exceeds the platform's %d: %w", what, n, max, channel.ErrPermanent)
	}
	return nil
}

// objectID checks that an external id names a Graph object (not one of
// Heed's derived keys).
func objectID(id string) error {
	if id == "" || strings.ContainsAny(id, ":/?#") {
		return fmt.Errorf("meta: %q is not a Graph object id: %w", id, channel.ErrPermanent)
	}
	return nil
}

func needCred(ch model.Channel, key string) (string, error) {
	v := ch.Credentials[key]
	if v == "" {
		return "", fmt.Errorf("meta channel %s has no %s: %w", ch.ID, key, channel.ErrPermanent)
	}
	return v, nil
}

type sendResponse struct {
	ID          string `json:"id"`
	MessageID   string `json:"message_id"`
	RecipientID string `json:"recipient_id"`
}

// message is a Send API body.
type message struct {
	Recipient     map[string]string `json:"recipient"`
	MessagingType string            `json:"messaging_type,omitempty"`
	Tag           string            `json:"tag,omitempty"`
	Message       struct {
		Text string `json:"text"`
	} `json:"message"`
}

// sendDM posts to /{account}/messages, retrying once with the HUMAN_AGENT
// tag when the standard window has closed and the settings allow it.
func sendDM(ctx context.Context, g graph, ch model.Channel, account, recipient, text, standardType string) (channel.SendResult, error) {
	s, _ := ParseSettings(ch.Settings)
	m := message{Recipient: map[string]string{"id": recipient}, MessagingType: standardType}
	m.Message.Text = text
	var resp sendResponse
	err := g.do(ctx, http.MethodPost, seg(account)+"/messages", nil, m, &resp)
	if err != nil && s.HumanAgent && isWindowErr(err) {
		m.MessagingType, m.Tag = "MESSAGE_TAG", "HUMAN_AGENT"
		err = g.do(ctx, http.MethodPost, seg(account)+"/messages", nil, m, &resp)
	}
	if err != nil {
		return channel.SendResult{}, err
	}
	return channel.SendResult{ExternalID: resp.MessageID}, nil
}

// sendPrivateReply answers a comment (or visitor post) in the author's
// inbox: recipient {"comment_id": …} or {"post_id": …}.
func sendPrivateReply(ctx context.Context, g graph, account, key, id, text string) (channel.SendResult, error) {
	m := message{Recipient: map[string]string{key: id}}
	m.Message.Text = text
	var resp sendResponse
	if err := g.do(ctx, http.MethodPost, seg(account)+"/messages", nil, m, &resp); err != nil {
		return channel.SendResult{}, err
	}
	return channel.SendResult{ExternalID: resp.MessageID}, nil
}

func isWindowErr(err error) bool {
	e, ok := IsAPIError(err)
	return ok && isWindowClosed(e)
}

func postSuccess(ctx context.Context, g graph, method, path string, form url.Values) error {
	var out struct {
		Success *bool `json:"success"`
	}
	if err := g.do(ctx, method, path, form, nil, &out); err != nil {
		return err
	}
	if out.Success != nil && !*out.Success {
		return fmt.Errorf("meta: %s %s answered success=false: %w", method, path, channel.ErrPermanent)
	}
	return nil
}

// privateTarget is the comment a private reply answers: the customer
// message being answered when it is a comment, else the thread's root.
func privateTarget(out channel.Outbound, root string) string {
	if objectID(out.InReplyTo) == nil {
		return out.InReplyTo
	}
	return root
}

// ---- facebook ----

// Facebook serves a Page's feed: visitor posts, comments and replies.
type Facebook struct{ base }

// NewFacebook returns the facebook connector.
func NewFacebook(client *http.Client) *Facebook { return &Facebook{newBase(client)} }

func (*Facebook) Type() string    { return TypeFacebook }
func (*Facebook) Network() string { return NetworkFacebook }

// Capabilities: public comment replies, private replies (sent through
// Messenger, hence its 2,000-character limit), hide, delete and like.
func (*Facebook) Capabilities() channel.Capabilities {
	return channel.Capabilities{PublicReply: true, PrivateReply: true, Hide: true, Delete: true, Like: true,
		MaxLength: MaxFacebookComment, MaxPrivate: MaxMessengerText, DMLink: dmLink("https://m.me/", CredPageID)}
}

func (*Facebook) Verify(ch model.Channel, r *http.Request, body []byte) error {
	return verify(ch, r, body)
}
func (*Facebook) Handshake(ch model.Channel, r *http.Request) (int, string, []byte) {
	return handshake(ch, r)
}
func (c *Facebook) Split(ch model.Channel, body []byte) ([]channel.RawEvent, error) {
	return split(context.Background(), TypeFacebook, ch, body, c.enr)
}
func (*Facebook) NormalizeEvent(payload []byte) (channel.Event, error) {
	return normalizeEvent(TypeFacebook, payload)
}
func (*Facebook) Normalize(payload []byte) (channel.InboundMessage, error) {
	return normalizeMessage(normalizeEvent(TypeFacebook, payload))
}

func (c *Facebook) Send(ctx context.Context, ch model.Channel, out channel.Outbound) error {
	_, err := c.SendReply(ctx, ch, out)
	return err
}

// SendReply answers a feed conversation: publicly as a comment on the
// thread's root (the top-level comment, or the visitor post), privately as a
// Messenger private reply to the customer's comment (or post).
func (c *Facebook) SendReply(ctx context.Context, ch model.Channel, out channel.Outbound) (channel.SendResult, error) {
	var kind, root string
	switch {
	case strings.HasPrefix(out.ThreadID, threadComment):
		kind, root = "comment_id", strings.TrimPrefix(out.ThreadID, threadComment)
	case strings.HasPrefix(out.ThreadID, threadPost):
		kind, root = "post_id", strings.TrimPrefix(out.ThreadID, threadPost)
	default:
		return channel.SendResult{}, fmt.Errorf("meta: facebook cannot answer thread %q: %w", out.ThreadID, channel.ErrPermanent)
	}
	if err := objectID(root); err != nil {
		return channel.SendResult{}, err
	}
	g, err := c.graph(ch)
	if err != nil {
		return channel.SendResult{}, err
	}
	if out.Public {
		if err := checkText(out.Text, MaxFacebookComment, "comment"); err != nil {
			return channel.SendResult{}, err
		}
		var resp sendResponse
		if err := g.do(ctx, http.MethodPost, seg(root)+"/comments", url.Values{"message": {out.Text}}, nil, &resp); err != nil {
			return channel.SendResult{}, err
		}
		return channel.SendResult{ExternalID: resp.ID}, nil
	}
	if err := checkText(out.Text, MaxMessengerText, "private reply"); err != nil {
		return channel.SendResult{}, err
	}
	page, err := needCred(ch, CredPageID)
	if err != nil {
		return channel.SendResult{}, err
	}
	target := root
	if kind == "comment_id" {
		target = privateTarget(out, root)
	} else if objectID(out.InReplyTo) == nil && out.InReplyTo != root {
		kind, target = "comment_id", out.InReplyTo
	}
	return sendPrivateReply(ctx, g, page, kind, target, out.Text)
}

// Hide hides (or unhides) a comment or visitor post: POST /{id}?is_hidden=….
func (c *Facebook) Hide(ctx context.Context, ch model.Channel, externalID string, hidden bool) error {
	if err := objectID(externalID); err != nil {
		return err
	}
	g, err := c.graph(ch)
	if err != nil {
		return err
	}
	return postSuccess(ctx, g, http.MethodPost, seg(externalID), url.Values{"is_hidden": {fmt.Sprint(hidden)}})
}

// Delete removes a comment or visitor post: DELETE /{id}.
func (c *Facebook) Delete(ctx context.Context, ch model.Channel, externalID string) error {
	if err := objectID(externalID); err != nil {
		return err
	}
	g, err := c.graph(ch)
	if err != nil {
		return err
	}
	return postSuccess(ctx, g, http.MethodDelete, seg(externalID), nil)
}

// Like likes a comment or post as the Page: POST /{id}/likes.
func (c *Facebook) Like(ctx context.Context, ch model.Channel, externalID string) error {
	if err := objectID(externalID); err != nil {
		return err
	}
	g, err := c.graph(ch)
	if err != nil {
		return err
	}
	return postSuccess(ctx, g, http.MethodPost, seg(externalID)+"/likes", nil)
}

// ---- messenger ----

// Messenger serves a Page's Messenger inbox.
type Messenger struct{ base }

// NewMessenger returns the messenger connector.
func NewMessenger(client *http.Client) *Messenger { return &Messenger{newBase(client)} }

func (*Messenger) Type() string    { return TypeMessenger }
func (*Messenger) Network() string { return NetworkMessenger }

// Capabilities: private messages within the 24-hour standard window.
func (*Messenger) Capabilities() channel.Capabilities {
	return channel.Capabilities{PrivateMessage: true, MaxLength: MaxMessengerText, MaxPrivate: MaxMessengerText,
		ReplyWindow: 24 * time.Hour, DMLink: dmLink("https://m.me/", CredPageID)}
}

func (*Messenger) Verify(ch model.Channel, r *http.Request, body []byte) error {
	return verify(ch, r, body)
}
func (*Messenger) Handshake(ch model.Channel, r *http.Request) (int, string, []byte) {
	return handshake(ch, r)
}
func (c *Messenger) Split(ch model.Channel, body []byte) ([]channel.RawEvent, error) {
	return split(context.Background(), TypeMessenger, ch, body, c.enr)
}
func (*Messenger) NormalizeEvent(payload []byte) (channel.Event, error) {
	return normalizeEvent(TypeMessenger, payload)
}
func (*Messenger) Normalize(payload []byte) (channel.InboundMessage, error) {
	return normalizeMessage(normalizeEvent(TypeMessenger, payload))
}

func (c *Messenger) Send(ctx context.Context, ch model.Channel, out channel.Outbound) error {
	_, err := c.SendReply(ctx, ch, out)
	return err
}

// SendReply sends a Messenger message (messaging_type RESPONSE) to the
// thread's PSID. Outside the 24-hour window the platform answers code 10 /
// 2018278, returned as channel.ErrWindowClosed with the platform's message,
// unless the settings allow the HUMAN_AGENT tag (7 days), tried once.
func (c *Messenger) SendReply(ctx context.Context, ch model.Channel, out channel.Outbound) (channel.SendResult, error) {
	psid, ok := strings.CutPrefix(out.ThreadID, threadPSID)
	if !ok || objectID(psid) != nil {
		return channel.SendResult{}, fmt.Errorf("meta: messenger cannot answer thread %q: %w", out.ThreadID, channel.ErrPermanent)
	}
	if err := checkText(out.Text, MaxMessengerText, "message"); err != nil {
		return channel.SendResult{}, err
	}
	page, err := needCred(ch, CredPageID)
	if err != nil {
		return channel.SendResult{}, err
	}
	g, err := c.graph(ch)
	if err != nil {
		return channel.SendResult{}, err
	}
	return sendDM(ctx, g, ch, page, psid, out.Text, "RESPONSE")
}

// ---- instagram ----

// Instagram serves an Instagram professional account: comments on its
// media, @mentions, and DMs.
type Instagram struct{ base }

// NewInstagram returns the instagram connector.
func NewInstagram(client *http.Client) *Instagram { return &Instagram{newBase(client)} }

func (*Instagram) Type() string    { return TypeInstagram }
func (*Instagram) Network() string { return NetworkInstagram }

// Capabilities: public replies (2,200 characters), private replies and DMs
// (1,000 characters, 24-hour window), hide and delete. Instagram's API has no
// like for comments.
func (*Instagram) Capabilities() channel.Capabilities {
	return channel.Capabilities{PublicReply: true, PrivateMessage: true, PrivateReply: true, Hide: true, Delete: true,
		MaxLength: MaxInstagramComment, MaxPrivate: MaxInstagramDM, ReplyWindow: 24 * time.Hour,
		DMLink: dmLink("https://ig.me/m/", "")}
}

func (*Instagram) Verify(ch model.Channel, r *http.Request, body []byte) error {
	return verify(ch, r, body)
}
func (*Instagram) Handshake(ch model.Channel, r *http.Request) (int, string, []byte) {
	return handshake(ch, r)
}
func (c *Instagram) Split(ch model.Channel, body []byte) ([]channel.RawEvent, error) {
	return split(context.Background(), TypeInstagram, ch, body, c.enr)
}
func (*Instagram) NormalizeEvent(payload []byte) (channel.Event, error) {
	return normalizeEvent(TypeInstagram, payload)
}
func (*Instagram) Normalize(payload []byte) (channel.InboundMessage, error) {
	return normalizeMessage(normalizeEvent(TypeInstagram, payload))
}

func (c *Instagram) Send(ctx context.Context, ch model.Channel, out channel.Outbound) error {
	_, err := c.SendReply(ctx, ch, out)
	return err
}

// SendReply answers an Instagram conversation: DMs through
// POST /{ig-user-id}/messages; comments publicly with POST /{comment}/replies
// or privately with a private reply (recipient.comment_id); mentions
// publicly with POST /{ig-user-id}/mentions.
func (c *Instagram) SendReply(ctx context.Context, ch model.Channel, out channel.Outbound) (channel.SendResult, error) {
	user, err := needCred(ch, CredIGUserID)
	if err != nil {
		return channel.SendResult{}, err
	}
	g, err := c.graph(ch)
	if err != nil {
		return channel.SendResult{}, err
	}
	switch {
	case strings.HasPrefix(out.ThreadID, threadIGSID):
		igsid := strings.TrimPrefix(out.ThreadID, threadIGSID)
		if err := objectID(igsid); err != nil {
			return channel.SendResult{}, err
		}
		if err := checkText(out.Text, MaxInstagramDM, "direct message"); err != nil {
			return channel.SendResult{}, err
		}
		return sendDM(ctx, g, ch, user, igsid, out.Text, "")
	case strings.HasPrefix(out.ThreadID, threadIGComment):
		root := strings.TrimPrefix(out.ThreadID, threadIGComment)
		if err := objectID(root); err != nil {
			return channel.SendResult{}, err
		}
		if !out.Public {
			if err := checkText(out.Text, MaxInstagramDM, "private reply"); err != nil {
				return channel.SendResult{}, err
			}
			return sendPrivateReply(ctx, g, user, "comment_id", privateTarget(out, root), out.Text)
		}
		if err := checkText(out.Text, MaxInstagramComment, "reply"); err != nil {
			return channel.SendResult{}, err
		}
		var resp sendResponse
		if err := g.do(ctx, http.MethodPost, seg(root)+"/replies", url.Values{"message": {out.Text}}, nil, &resp); err != nil {
			return channel.SendResult{}, err
		}
		return channel.SendResult{ExternalID: resp.ID}, nil
	case strings.HasPrefix(out.ThreadID, threadIGMention):
		media, comment, _ := strings.Cut(strings.TrimPrefix(out.ThreadID, threadIGMention), ":")
		if objectID(media) != nil || (comment != "" && objectID(comment) != nil) {
			return channel.SendResult{}, fmt.Errorf("meta: malformed mention thread %q: %w", out.ThreadID, channel.ErrPermanent)
		}
		if !out.Public {
			return channel.SendResult{}, fmt.Errorf("meta: Instagram allows private replies only to comments on the account's own media: %w", channel.ErrPermanent)
		}
		if err := checkText(out.Text, MaxInstagramComment, "reply"); err != nil {
			return channel.SendResult{}, err
		}
		form := url.Values{"media_id": {media}, "message": {out.Text}}
		if comment != "" {
			form.Set("comment_id", comment)
		}
		var resp sendResponse
		if err := g.do(ctx, http.MethodPost, seg(user)+"/mentions", form, nil, &resp); err != nil {
			return channel.SendResult{}, err
		}
		return channel.SendResult{ExternalID: resp.ID}, nil
	}
	return channel.SendResult{}, fmt.Errorf("meta: instagram cannot answer thread %q: %w", out.ThreadID, channel.ErrPermanent)
}

// Hide hides (or unhides) a comment: POST /{ig-comment-id}?hide=….
func (c *Instagram) Hide(ctx context.Context, ch model.Channel, externalID string, hidden bool) error {
	if err := objectID(externalID); err != nil {
		return err
	}
	g, err := c.graph(ch)
	if err != nil {
		return err
	}
	return postSuccess(ctx, g, http.MethodPost, seg(externalID), url.Values{"hide": {fmt.Sprint(hidden)}})
}

// Delete deletes a comment on the account's media: DELETE /{ig-comment-id}.
func (c *Instagram) Delete(ctx context.Context, ch model.Channel, externalID string) error {
	if err := objectID(externalID); err != nil {
		return err
	}
	g, err := c.graph(ch)
	if err != nil {
		return err
	}
	return postSuccess(ctx, g, http.MethodDelete, seg(externalID), nil)
}

// Like is not offered by Instagram's API for comments.
func (*Instagram) Like(context.Context, model.Channel, string) error {
	return fmt.Errorf("meta: Instagram's API cannot like comments: %w", channel.ErrPermanent)
}

// Interface checks.
var (
	_ channel.Connector = (*Facebook)(nil)
	_ channel.Webhook   = (*Facebook)(nil)
	_ channel.Sender    = (*Facebook)(nil)
	_ channel.Moderator = (*Facebook)(nil)
	_ channel.Connector = (*Messenger)(nil)
	_ channel.Webhook   = (*Messenger)(nil)
	_ channel.Sender    = (*Messenger)(nil)
	_ channel.Connector = (*Instagram)(nil)
	_ channel.Webhook   = (*Instagram)(nil)
	_ channel.Sender    = (*Instagram)(nil)
	_ channel.Moderator = (*Instagram)(nil)
)
