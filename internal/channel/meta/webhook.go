package meta

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/model"
)

// MaxTextBytes bounds the text of one inbound event.
const MaxTextBytes = 64 * 1024

// object is the webhook object a channel type listens to.
func objectOf(typ string) string {
	if typ == TypeInstagram {
		return "instagram"
	}
	return "page"
}

// Accounts lists the object ("page" or "instagram") and the account ids of a
// delivery, so an app-wide webhook endpoint can offer it to the channels of
// those accounts (facebook and messenger channels of a Page id, instagram
// channels of an Instagram account id). It checks nothing else.
func Accounts(body []byte) (object string, ids []string, err error) {
	var d struct {
		Object string `json:"object"`
		Entry  []struct {
			ID flexID `json:"id"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &d); err != nil {
		return "", nil, &channel.FieldError{Field: "body", Message: "malformed JSON: " + err.Error()}
	}
	seen := map[string]bool{}
	for _, e := range d.Entry {
		if id := string(e.ID); id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return d.Object, ids, nil
}

// Concerns reports whether a delivery whose object and account ids come
// from Accounts is for the channel: "page" deliveries of its page_id for
// facebook and messenger channels, "instagram" deliveries of its ig_user_id
// for instagram channels. Offering a delivery to a channel it does not
// concern is harmless (Split filters), this only saves work.
func Concerns(ch model.Channel, object string, ids []string) bool {
	switch ch.Type {
	case TypeFacebook, TypeMessenger, TypeInstagram:
	default:
		return false
	}
	if object != objectOf(ch.Type) {
		return false
	}
	own := accountID(ch.Type, ch)
	for _, id := range ids {
		if own == "" || id == own {
			return true
		}
	}
	return false
}

// SplitLookupBudget bounds all the lookups of one Split call, so the
// platform is acknowledged in time however many new senders a delivery has.
const SplitLookupBudget = 5 * time.Second

// split cuts a verified delivery into single-event raw events of the
// channel's account and type. Events Heed does not handle (reactions, read
// receipts, the account's own posts, comments and echoes) are dropped; an
// event it should handle but cannot parse is kept under an "invalid:" key so
// that normalising it fails visibly instead of losing it.
func split(ctx context.Context, typ string, ch model.Channel, body []byte, enr *enricher) ([]channel.RawEvent, error) {
	var d delivery
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, &channel.FieldError{Field: "body", Message: "malformed JSON: " + err.Error()}
	}
	if d.Object != objectOf(typ) {
		return nil, nil
	}
	own := accountID(typ, ch)
	ctx, cancel := context.WithTimeout(ctx, SplitLookupBudget)
	defer cancel()
	var out []channel.RawEvent
	seen := map[string]bool{}
	add := func(one delivery) {
		ev, key, ok, err := interpret(typ, one)
		if !ok && err == nil {
			return
		}
		if err == nil && enr != nil {
			one.Heed = enr.enrich(ctx, typ, ch, one, ev)
		}
		payload, merr := json.Marshal(one)
		if merr != nil {
			return
		}
		if err != nil {
			sum := sha256.Sum256(payload)
			key = "invalid:" + hex.EncodeToString(sum[:12])
		}
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, channel.RawEvent{ExternalID: key, Payload: payload})
	}
	for _, e := range d.Entry {
		if own != "" && string(e.ID) != own {
			continue
		}
		if typ != TypeMessenger {
			for _, c := range e.Changes {
				add(delivery{Object: d.Object, Entry: []entry{{ID: e.ID, Time: e.Time, Changes: []change{c}}}})
			}
		}
		if typ != TypeFacebook {
			for _, m := range e.Messaging {
				add(delivery{Object: d.Object, Entry: []entry{{ID: e.ID, Time: e.Time, Messaging: []json.RawMessage{m}}}})
			}
		}
	}
	return out, nil
}

// normalizeEvent parses a stored single-event payload.
func normalizeEvent(typ string, payload []byte) (channel.Event, error) {
	var d delivery
	if err := json.Unmarshal(payload, &d); err != nil {
		return channel.Event{}, &channel.FieldError{Field: "body", Message: "malformed JSON: " + err.Error()}
	}
	if d.Object != objectOf(typ) {
		return channel.Event{}, &channel.FieldError{Field: "object", Message: fmt.Sprintf("%q is not a %s event", d.Object, typ)}
	}
	ev, _, ok, err := interpret(typ, d)
	if err != nil {
		return channel.Event{}, err
	}
	if !ok {
		return channel.Event{}, &channel.FieldError{Field: "entry", Message: "no event Heed handles"}
	}
	applyEnrichment(&ev, d.Heed)
	if ev.Kind == channel.KindMessage && ev.CreatedAt.IsZero() {
		ev.CreatedAt = time.Now().UTC()
	}
	return ev, nil
}

// interpret reads the single event of d: ok=false without an error means the
// event is not one Heed handles; key is its idempotency key.
func interpret(typ string, d delivery) (ev channel.Event, key string, ok bool, err error) {
	if len(d.Entry) != 1 {
		return ev, "", false, &channel.FieldError{Field: "entry", Message: "a stored event has exactly one entry"}
	}
	e := d.Entry[0]
	if len(e.Changes)+len(e.Messaging) != 1 {
		return ev, "", false, &channel.FieldError{Field: "entry", Message: "a stored event has exactly one change or messaging item"}
	}
	if string(e.ID) == "" {
		return ev, "", false, &channel.FieldError{Field: "entry.id", Message: "is required"}
	}
	switch {
	case len(e.Changes) == 1 && typ == TypeFacebook:
		ev, key, ok, err = feedEvent(e, e.Changes[0])
	case len(e.Changes) == 1 && typ == TypeInstagram:
		ev, key, ok, err = igChangeEvent(e, e.Changes[0])
	case len(e.Messaging) == 1 && (typ == TypeMessenger || typ == TypeInstagram):
		ev, key, ok, err = messagingEventOf(typ, e, e.Messaging[0])
	default:
		return ev, "", false, nil
	}
	if err != nil || !ok {
		return ev, key, ok, err
	}
	if len(ev.Text) > MaxTextBytes {
		return ev, key, false, &channel.FieldError{Field: "text", Message: fmt.Sprintf("longer than %d bytes", MaxTextBytes)}
	}
	if !utf8.ValidString(ev.Text) {
		ev.Text = strings.ToValidUTF8(ev.Text, "\uFFFD")
	}
	return ev, key, true, nil
}

// feedEvent reads a Page feed change: comments and replies (public
// conversations per top-level comment) and visitor posts (per post).
func feedEvent(e entry, c change) (channel.Event, string, bool, error) {
	var ev channel.Event
	if c.Field != "feed" {
		return ev, "", false, nil
	}
	var v feedValue
	if err := json.Unmarshal(c.Value, &v); err != nil {
		return ev, "", false, &channel.FieldError{Field: "value", Message: "malformed feed change: " + err.Error()}
	}
	if v.From != nil && v.From.ID == e.ID {
		return ev, "", false, nil // the Page's own post, comment or reply
	}
	var id, thread string
	switch v.Item {
	case "comment":
		id = string(v.CommentID)
		if id == "" {
			return ev, "", false, &channel.FieldError{Field: "value.comment_id", Message: "is required"}
		}
		root := id
		if v.ParentID != "" && v.ParentID != v.PostID {
			root = string(v.ParentID)
		}
		thread = "comment:" + root
	case "post", "status", "photo", "video":
		id = string(v.PostID)
		if id == "" {
			return ev, "", false, &channel.FieldError{Field: "value.post_id", Message: "is required"}
		}
		thread = "post:" + id
	default:
		return ev, "", false, nil // reactions, likes, shares, events…
	}
	at := v.CreatedTime.T
	if at.IsZero() {
		at = e.time()
	}
	ev.ThreadID, ev.Public, ev.CreatedAt = thread, true, at
	if v.From != nil {
		ev.Author = channel.Author{ID: string(v.From.ID), Name: v.From.Name}
	}
	if v.Item == "photo" && v.Photo == "" {
		v.Photo, v.Link = v.Link, "" // a photo post's link is the photo
	}
	text := joinText(v.Message, attachmentLine("photo", v.Photo), attachmentLine("video", v.Video), attachmentLine("link", v.Link))
	switch v.Verb {
	case "add":
		if ev.Author.ID == "" {
			// Meta leaves "from" out when the app may not see the person;
			// the message is still answerable by its id.
			ev.Author = channel.Author{ID: "unknown:" + id, Name: "Facebook user"}
		}
		if text == "" {
			text = "[" + v.Item + "]"
		}
		ev.ExternalID, ev.Text = id, text
		return ev, id, true, nil
	case "edited", "edit":
		key := id + ":edited:" + strconv.FormatInt(at.Unix(), 10) + ":" + shortHash(text)
		ev.Kind, ev.TargetExternalID, ev.ExternalID, ev.Text = channel.KindEdit, id, key, text
		return ev, key, true, nil
	case "remove":
		key := id + ":remove"
		ev.Kind, ev.TargetExternalID, ev.ExternalID = channel.KindDelete, id, key
		return ev, key, true, nil
	}
	return ev, "", false, nil // hide, unhide: the Page's own moderation
}

// igChangeEvent reads an Instagram comments / live_comments / mentions change.
func igChangeEvent(e entry, c change) (channel.Event, string, bool, error) {
	var ev channel.Event
	switch c.Field {
	case "comments", "live_comments":
		var v igCommentValue
		if err := json.Unmarshal(c.Value, &v); err != nil {
			return ev, "", false, &channel.FieldError{Field: "value", Message: "malformed comment: " + err.Error()}
		}
		if v.From != nil && v.From.ID == e.ID {
			return ev, "", false, nil // the account's own reply
		}
		id := string(v.ID)
		if id == "" {
			return ev, "", false, &channel.FieldError{Field: "value.id", Message: "is required"}
		}
		if v.From == nil || v.From.ID == "" {
			v.From = &fromID{ID: flexID("unknown:" + id), Username: ""} // see feedEvent
		}
		root := id
		if v.ParentID != "" {
			root = string(v.ParentID)
		}
		ev.ExternalID, ev.ThreadID, ev.Public, ev.CreatedAt = id, "igcomment:"+root, true, e.time()
		ev.Author = channel.Author{ID: string(v.From.ID), Handle: handle(v.From.Username), Name: orDefault(v.From.Username, "Instagram user")}
		ev.Text = v.Text
		if ev.Text == "" {
			ev.Text = "[comment]"
		}
		return ev, id, true, nil
	case "mentions":
		var v igMentionValue
		if err := json.Unmarshal(c.Value, &v); err != nil {
			return ev, "", false, &channel.FieldError{Field: "value", Message: "malformed mention: " + err.Error()}
		}
		if v.MediaID == "" {
			return ev, "", false, &channel.FieldError{Field: "value.media_id", Message: "is required"}
		}
		ev.Public, ev.CreatedAt = true, e.time()
		if v.CommentID != "" {
			ev.ExternalID = string(v.CommentID)
			ev.ThreadID = "igmention:" + string(v.MediaID) + ":" + string(v.CommentID)
		} else {
			ev.ExternalID = "media:" + string(v.MediaID)
			ev.ThreadID = "igmention:" + string(v.MediaID)
		}
		ev.Author = channel.Author{ID: "ig-mention:" + ev.ExternalID}
		ev.Text = "(an @mention of the account; its text could not be fetched)"
		return ev, ev.ExternalID, true, nil
	}
	return ev, "", false, nil
}

// messagingEventOf reads a Messenger or Instagram messaging item.
func messagingEventOf(typ string, e entry, raw json.RawMessage) (channel.Event, string, bool, error) {
	var ev channel.Event
	var m messagingEvent
	if err := json.Unmarshal(raw, &m); err != nil {
		return ev, "", false, &channel.FieldError{Field: "messaging", Message: "malformed messaging event: " + err.Error()}
	}
	if m.Sender == nil || m.Sender.ID == "" {
		if m.Message == nil && m.MessageEdit == nil && m.Postback == nil {
			return ev, "", false, nil
		}
		return ev, "", false, &channel.FieldError{Field: "messaging.sender.id", Message: "is required"}
	}
	if m.Sender.ID == e.ID || (m.Message != nil && m.Message.IsEcho) {
		return ev, "", false, nil // the account's own message (echo)
	}
	prefix := "psid:"
	if typ == TypeInstagram {
		prefix = "igsid:"
	}
	ev.ThreadID, ev.Public = prefix+string(m.Sender.ID), false
	ev.Author = channel.Author{ID: string(m.Sender.ID)}
	ev.CreatedAt = m.Timestamp.T
	if ev.CreatedAt.IsZero() {
		ev.CreatedAt = e.time()
	}
	switch {
	case m.Message != nil:
		mid := m.Message.Mid
		if mid == "" {
			return ev, "", false, &channel.FieldError{Field: "messaging.message.mid", Message: "is required"}
		}
		if m.Message.IsDeleted {
			key := mid + ":remove"
			ev.Kind, ev.TargetExternalID, ev.ExternalID = channel.KindDelete, mid, key
			return ev, key, true, nil
		}
		parts := []string{m.Message.Text}
		for _, a := range m.Message.Attachments {
			u := ""
			if a.Payload != nil {
				u = a.Payload.URL
			}
			parts = append(parts, attachmentLine(orDefault(a.Type, "attachment"), orDefault(u, "-")))
		}
		text := joinText(parts...)
		if text == "" {
			text = "[unsupported message]"
		}
		ev.ExternalID, ev.Text = mid, text
		return ev, mid, true, nil
	case m.MessageEdit != nil:
		mid := m.MessageEdit.Mid
		if mid == "" {
			return ev, "", false, &channel.FieldError{Field: "messaging.message_edit.mid", Message: "is required"}
		}
		n := string(m.MessageEdit.NumEdit)
		if n == "" {
			n = strconv.FormatInt(ev.CreatedAt.UnixMilli(), 10)
		}
		key := mid + ":edited:" + n
		ev.Kind, ev.TargetExternalID, ev.ExternalID, ev.Text = channel.KindEdit, mid, key, m.MessageEdit.Text
		return ev, key, true, nil
	case m.Postback != nil && m.Postback.Mid != "":
		ev.ExternalID = m.Postback.Mid
		ev.Text = "[button] " + orDefault(m.Postback.Title, m.Postback.Payload)
		return ev, m.Postback.Mid, true, nil
	}
	return ev, "", false, nil // reads, deliveries, reactions, referrals…
}

// applyEnrichment fills what Split looked up into the event.
func applyEnrichment(ev *channel.Event, h *enrichment) {
	if h == nil {
		return
	}
	if p := h.Profile; p != nil {
		if p.Name != "" {
			ev.Author.Name = p.Name
		}
		if p.Username != "" {
			ev.Author.Handle = handle(p.Username)
			if ev.Author.Name == "" {
				ev.Author.Name = p.Username
			}
		}
	}
	if m := h.Mention; m != nil && m.Error == "" {
		if m.Text != "" {
			ev.Text = m.Text
		}
		if m.Username != "" {
			ev.Author = channel.Author{ID: "username:" + strings.ToLower(m.Username), Handle: handle(m.Username), Name: m.Username}
		}
		if t, ok := parseTime(m.Timestamp); ok && !t.IsZero() {
			ev.CreatedAt = t
		}
	}
}

func handle(username string) string {
	if username == "" {
		return ""
	}
	return "@" + strings.TrimPrefix(username, "@")
}

func attachmentLine(kind, url string) string {
	if url == "" {
		return ""
	}
	return "[" + kind + "] " + url
}

func joinText(parts ...string) string {
	var b bytes.Buffer
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p)
	}
	return b.String()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func shortHash(s string) string {
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprintf("%08x", h.Sum32())
}
