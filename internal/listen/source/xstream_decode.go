package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// xStreamLine is one line of the X v2 filtered stream
// (https://docs.x.com/x-api/posts/filtered-stream/quickstart): a post in
// data, the expanded author in includes.users (with
// expansions=author_id&user.fields=username), the rules it matched, or, for
// a stream-level problem such as an operational disconnect, errors.
type xStreamLine struct {
	Data *struct {
		ID        string `json:"id"`
		Text      string `json:"text"`
		CreatedAt string `json:"created_at"`
		Lang      string `json:"lang"`
		AuthorID  string `json:"author_id"`
	} `json:"data"`
	Includes struct {
		Users []struct {
			ID       string `json:"id"`
			Username string `json:"username"`
		} `json:"users"`
	} `json:"includes"`
	MatchingRules []struct {
		ID  string `json:"id"`
		Tag string `json:"tag"`
	} `json:"matching_rules"`
	Errors []xProblem `json:"errors"`
}

// xProblem is an error object of X API v2 (title, detail, type; the
// stream's operational-disconnect has the same shape).
type xProblem struct {
	Title   string `json:"title"`
	Detail  string `json:"detail"`
	Type    string `json:"type"`
	Message string `json:"message"`
	Value   string `json:"value"`
	ID      string `json:"id"`
}

func (p xProblem) String() string {
	parts := []string{}
	for _, s := range []string{p.Title, p.Detail, p.Message, p.Value} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "unknown problem"
	}
	return strings.Join(parts, ": ")
}

// errXStream is a stream-level error line: X is about to close the stream.
var errXStream = errors.New("x stream error")

// decodeXLine decodes one stream line. ok is false for keep-alive lines
// (blank, "\r\n"); a line carrying only errors returns an error wrapping
// errXStream.
func decodeXLine(line []byte) (p Post, ok bool, err error) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return Post{}, false, nil
	}
	var l xStreamLine
	if err := json.Unmarshal(line, &l); err != nil {
		return Post{}, false, fmt.Errorf("x stream line: %w", err)
	}
	if l.Data == nil {
		if len(l.Errors) > 0 {
			return Post{}, false, fmt.Errorf("%w: %s", errXStream, l.Errors[0])
		}
		return Post{}, false, errors.New("x stream line: neither data nor errors")
	}
	d := l.Data
	if !xID(d.ID) {
		return Post{}, false, fmt.Errorf("x stream line: post id %q is not a number", d.ID)
	}
	p = Post{Network: "x", ID: d.ID, Text: d.Text, Lang: d.Lang, AuthorID: d.AuthorID, Cursor: d.ID}
	if d.Lang == "und" || d.Lang == "qme" || d.Lang == "zxx" {
		p.Lang = "" // X's codes for "undetermined", "media only", "no text"
	}
	for _, u := range l.Includes.Users {
		if u.ID == d.AuthorID && u.Username != "" {
			p.Author = u.Username
		}
	}
	if p.Author != "" && xHandle(p.Author) {
		p.URL = "https://x.com/" + p.Author + "/status/" + d.ID
	} else {
		if p.Author == "" {
			p.Author = d.AuthorID
		}
		p.URL = "https://x.com/i/web/status/" + d.ID
	}
	if t, err := time.Parse(time.RFC3339Nano, d.CreatedAt); err == nil {
		p.CreatedAt = t.UTC()
	}
	return p, true, nil
}

// xID accepts X's ids: decimal digits, 1–19 of them (int64).
func xID(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// xHandle accepts X usernames (letters, digits, underscore; up to 15, but
// older accounts have longer ones, so up to 50).
func xHandle(s string) bool {
	if s == "" || len(s) > 50 {
		return false
	}
	return allChars(s, "_")
}

// idAfter reports whether the numeric id a comes after b. Tweet and
// Mastodon status ids are decimal snowflakes that grow with time; they are
// compared as numbers (by length, then digits) without parsing, so a
// leading-zero-free id of any length works.
func idAfter(a, b string) bool {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}
