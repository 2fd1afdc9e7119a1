package source

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"
	"time"
)

// sseEvent is one server-sent event (event name and data; Mastodon's
// streaming API sends "event: update" with "data: <Status JSON>", and
// ":thump" comments as heartbeats).
type sseEvent struct {
	Name string
	Data []byte
}

// sseReader parses the text/event-stream format
// (https://html.spec.whatwg.org/multipage/server-sent-events.html):
// "field: value" lines, an event dispatched at a blank line, lines
// starting with ':' ignored, data lines joined with '\n', CR, LF or CRLF
// line ends. id and retry are not used by Mastodon and are ignored.
type sseReader struct {
	r       *bufio.Reader
	max     int      // largest event accepted
	pending [][]byte // lines left over from a physical line split at lone CRs
	err     error    // the read error to return once pending is used up
}

func newSSEReader(r *bufio.Reader, max int) *sseReader { return &sseReader{r: r, max: max} }

// Next returns the next event that has data.
func (s *sseReader) Next() (sseEvent, error) {
	var ev sseEvent
	var data []byte
	hasData := false
	for {
		line, err := s.nextLine()
		if err != nil {
			return sseEvent{}, err
		}
		if len(line) == 0 {
			if hasData {
				ev.Data = data
				if ev.Name == "" {
					ev.Name = "message"
				}
				return ev, nil
			}
			ev = sseEvent{}
			continue
		}
		if line[0] == ':' {
			continue // comment: Mastodon's ":thump" heartbeat
		}
		field, value, _ := bytes.Cut(line, []byte{':'})
		value = bytes.TrimPrefix(value, []byte{' '})
		switch string(field) {
		case "event":
			ev.Name = string(value)
		case "data":
			if len(data)+len(value) > s.max {
				return sseEvent{}, fmt.Errorf("event longer than %d bytes", s.max)
			}
			if hasData {
				data = append(data, '\n')
			}
			data = append(data, value...)
			hasData = true
		}
	}
}

// nextLine returns the next line without its terminator. CRLF, LF and a
// lone CR all end a line, as the format says.
func (s *sseReader) nextLine() ([]byte, error) {
	if len(s.pending) > 0 {
		l := s.pending[0]
		s.pending = s.pending[1:]
		return l, nil
	}
	if s.err != nil {
		return nil, s.err
	}
	line, err := readLine(s.r, s.max)
	if err != nil {
		// The input ended (or broke) inside a line: what came before
		// the end may still hold complete CR-terminated lines.
		s.err = err
		if !errors.Is(err, io.EOF) || bytes.IndexByte(line, '\r') < 0 {
			return nil, err
		}
		line = line[:bytes.LastIndexByte(line, '\r')+1]
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if bytes.IndexByte(line, '\r') < 0 {
		return line, nil
	}
	parts := bytes.Split(line, []byte{'\r'})
	for i := range parts[1:] {
		parts[i+1] = bytes.Clone(parts[i+1]) // line is reused by the next read
	}
	s.pending = parts[1:]
	return parts[0], nil
}

// mastodonStatus is the part of Mastodon's Status entity
// (https://docs.joinmastodon.org/entities/Status/) the listening engine
// uses.
type mastodonStatus struct {
	ID          string          `json:"id"`
	URI         string          `json:"uri"`
	URL         string          `json:"url"`
	CreatedAt   string          `json:"created_at"`
	Language    string          `json:"language"`
	Content     string          `json:"content"`
	SpoilerText string          `json:"spoiler_text"`
	Visibility  string          `json:"visibility"`
	Reblog      json.RawMessage `json:"reblog"`
	Account     struct {
		ID   string `json:"id"`
		Acct string `json:"acct"`
	} `json:"account"`
}

// decodeStatus decodes a Status and turns it into a post. ok is false for
// statuses that are not new public text: boosts (reblog set; the boosted
// post is its own status) and non-public ones.
func decodeStatus(data []byte) (p Post, ok bool, err error) {
	var s mastodonStatus
	if err := json.Unmarshal(data, &s); err != nil {
		return Post{}, false, fmt.Errorf("mastodon status: %w", err)
	}
	return statusPost(&s)
}

func statusPost(s *mastodonStatus) (Post, bool, error) {
	if !xID(s.ID) {
		// Mastodon ids are decimal snowflakes; our resume logic
		// compares them as numbers, so anything else is refused.
		return Post{}, false, fmt.Errorf("mastodon status: id %q is not a number", s.ID)
	}
	if len(s.Reblog) > 0 && string(s.Reblog) != "null" {
		return Post{}, false, nil
	}
	if s.Visibility != "" && s.Visibility != "public" && s.Visibility != "unlisted" {
		return Post{}, false, nil
	}
	if s.URI == "" && s.URL == "" {
		return Post{}, false, errors.New("mastodon status: neither uri nor url")
	}
	text := stripHTML(s.Content)
	if cw := strings.TrimSpace(s.SpoilerText); cw != "" {
		// A content warning is text the author wrote; a brand named
		// only there is still a mention.
		text = cw + "\n\n" + text
	}
	p := Post{
		Network:  "mastodon",
		ID:       s.URI,
		Text:     text,
		Lang:     s.Language,
		Author:   s.Account.Acct,
		AuthorID: s.Account.ID,
		URL:      s.URL,
		Cursor:   s.ID,
	}
	if p.ID == "" {
		p.ID = s.URL
	}
	if p.URL == "" {
		p.URL = s.URI
	}
	if !strings.HasPrefix(p.URL, "https://") && !strings.HasPrefix(p.URL, "http://") {
		p.URL = "" // never hand a javascript: or other scheme to a page
	}
	if t, err := time.Parse(time.RFC3339Nano, s.CreatedAt); err == nil {
		p.CreatedAt = t.UTC()
	}
	return p, true, nil
}

// stripHTML turns Mastodon's sanitised status HTML into plain text:
// tags are dropped, <br> becomes a line break and paragraphs are
// separated by a blank line, entities are decoded. The result is text to
// display escaped, never markup: a remote server's HTML is untrusted, so
// nothing of it survives but its characters. Content of <script> and
// <style> (which Mastodon never sends) is dropped as well.
func stripHTML(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	skipUntil := "" // closing tag whose content is dropped
	for i := 0; i < len(s); {
		c := s[i]
		if c != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			if skipUntil == "" {
				b.WriteString(s[i : i+j])
			}
			i += j
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			// A lone '<' is text ("a < b").
			if skipUntil == "" {
				b.WriteString(s[i:])
			}
			break
		}
		tag := strings.ToLower(tagName(s[i+1 : i+end]))
		i += end + 1
		if skipUntil != "" {
			if tag == skipUntil {
				skipUntil = ""
			}
			continue
		}
		switch tag {
		case "br", "br/":
			b.WriteByte('\n')
		case "/p", "/blockquote", "/li", "/pre", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6":
			b.WriteString("\n\n")
		case "script", "style":
			skipUntil = "/" + tag
		}
	}
	text := html.UnescapeString(b.String())
	// Collapse the blank lines that closing tags leave at the end and
	// more than one blank line in a row.
	lines := strings.Split(strings.TrimSpace(text), "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// tagName is the name of a tag from its inside ("a href=…" → "a",
// "/p" → "/p", "br /" → "br").
func tagName(inside string) string {
	inside = strings.TrimSpace(inside)
	for i := 0; i < len(inside); i++ {
		switch inside[i] {
		case ' ', '\t', '\n', '\r', '/':
			if i == 0 && inside[i] == '/' {
				continue
			}
			return inside[:i]
		}
	}
	return inside
}
