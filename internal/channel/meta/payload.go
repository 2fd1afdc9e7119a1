package meta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// delivery is the body of one webhook POST (and, cut to a single event, the
// stored payload of a raw event). Shapes:
// https://developers.facebook.com/docs/graph-api/webhooks/getting-started
// (envelope), https://developers.facebook.com/docs/pages-api/webhooks-for-pages
// (page feed), https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messages
// (messaging), https://developers.facebook.com/docs/instagram-platform/webhooks/examples/
// (Instagram).
type delivery struct {
	Object string  `json:"object"`
	Entry  []entry `json:"entry"`
	// Heed is not Meta's: Split adds what it looked up (the sender's name,
	// a mention's text) to the stored single-event payload.
	Heed *enrichment `json:"heed,omitempty"`
}

type entry struct {
	ID        flexID            `json:"id"`
	Time      json.Number       `json:"time,omitempty"`
	Changes   []change          `json:"changes,omitempty"`
	Messaging []json.RawMessage `json:"messaging,omitempty"`
}

type change struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

// feedValue is the value of a Page "feed" change.
type feedValue struct {
	Item        string   `json:"item"`
	Verb        string   `json:"verb"`
	PostID      flexID   `json:"post_id"`
	CommentID   flexID   `json:"comment_id"`
	ParentID    flexID   `json:"parent_id"`
	From        *fromID  `json:"from"`
	Message     string   `json:"message"`
	CreatedTime flexTime `json:"created_time"`
	Photo       string   `json:"photo"`
	Video       string   `json:"video"`
	Link        string   `json:"link"`
}

type fromID struct {
	ID       flexID `json:"id"`
	Name     string `json:"name,omitempty"`
	Username string `json:"username,omitempty"`
}

// messagingEvent is one element of an entry's "messaging" array.
type messagingEvent struct {
	Sender    *fromID  `json:"sender"`
	Recipient *fromID  `json:"recipient"`
	Timestamp flexTime `json:"timestamp"`
	Message   *struct {
		Mid         string       `json:"mid"`
		Text        string       `json:"text"`
		IsEcho      bool         `json:"is_echo"`
		IsDeleted   bool         `json:"is_deleted"`
		Unsupported bool         `json:"is_unsupported"`
		Attachments []attachment `json:"attachments"`
	} `json:"message"`
	MessageEdit *struct {
		Mid     string `json:"mid"`
		Text    string `json:"text"`
		NumEdit flexID `json:"num_edit"`
	} `json:"message_edit"`
	Postback *struct {
		Mid     string `json:"mid"`
		Title   string `json:"title"`
		Payload string `json:"payload"`
	} `json:"postback"`
}

type attachment struct {
	Type    string `json:"type"`
	Payload *struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	} `json:"payload"`
}

// igCommentValue is the value of an Instagram "comments" change.
type igCommentValue struct {
	ID       flexID  `json:"id"`
	Text     string  `json:"text"`
	ParentID flexID  `json:"parent_id"`
	From     *fromID `json:"from"`
	Media    *struct {
		ID               flexID `json:"id"`
		MediaProductType string `json:"media_product_type"`
	} `json:"media"`
}

// igMentionValue is the value of an Instagram "mentions" change: ids only,
// the text is fetched (see enrichment).
type igMentionValue struct {
	CommentID flexID `json:"comment_id"`
	MediaID   flexID `json:"media_id"`
}

// enrichment is what Split looked up on the Graph API for an event.
type enrichment struct {
	Profile *profile `json:"profile,omitempty"`
	Mention *mention `json:"mention,omitempty"`
}

type profile struct {
	Name     string `json:"name,omitempty"`
	Username string `json:"username,omitempty"`
}

type mention struct {
	Text      string `json:"text,omitempty"`
	Username  string `json:"username,omitempty"`
	Timestamp string `json:"timestamp,omitempty"`
	// Error says why the text could not be fetched (the event is kept).
	Error string `json:"error,omitempty"`
}

// flexID accepts ids sent as strings or numbers.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id: %w", err)
	}
	*f = flexID(n.String())
	return nil
}

// flexTime accepts Unix seconds or milliseconds (number or numeric string)
// and the Graph API's "2006-01-02T15:04:05+0000" or RFC 3339.
type flexTime struct{ T time.Time }

func (f *flexTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	t, ok := parseTime(s)
	if !ok {
		return fmt.Errorf("time: cannot parse %q", s)
	}
	f.T = t
	return nil
}

func (f flexTime) MarshalJSON() ([]byte, error) {
	if f.T.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatInt(f.T.Unix(), 10)), nil
}

func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return unixAuto(n), n >= 0 && n < 1e16
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// unixAuto reads seconds, or milliseconds when the value is too large to be
// seconds (Messenger timestamps and messaging entry times are milliseconds,
// feed times are seconds).
func unixAuto(n float64) time.Time {
	if n <= 0 || n >= 1e16 {
		return time.Time{}
	}
	if n >= 1e11 {
		return time.UnixMilli(int64(n)).UTC()
	}
	return time.Unix(int64(n), 0).UTC()
}

func (e entry) time() time.Time {
	if e.Time == "" {
		return time.Time{}
	}
	t, _ := parseTime(string(e.Time))
	return t
}
