package inbox

import (
	"context"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/heed-dev/heed/internal/model"
)

// Assist is one result of the composer's `/` search: a saved reply (its
// text expanded for the conversation) or a knowledge-base article (its link).
type Assist struct {
	Kind   string   `json:"kind"` // "saved_reply" or "article"
	ID     string   `json:"id"`
	Title  string   `json:"title"`  // the saved reply's name, the article's title
	Detail string   `json:"detail"` // a preview of the text, the article's URL
	Insert string   `json:"insert"` // what goes into the reply
	Tags   []string `json:"tags,omitempty"`
}

// MaxAssists bounds one search's results (a menu, not a report);
// MaxAssistQuery the bytes of a query that are read.
const (
	MaxAssists     = 8
	MaxAssistQuery = 200
)

// SearchAssists finds the saved replies (by name, tags and text) and the
// articles (by title and tags) matching a query: every word of the query
// must start a word of the item. Title matches rank first, then tag
// matches, then text matches; an empty query lists everything up to the
// bound. A workspace has hundreds of these, so they are matched in memory
// with the same rules on both engines.
func (s *Service) SearchAssists(ctx context.Context, actor model.Agent, conv model.Conversation, query string) ([]Assist, error) {
	saved, err := s.SavedRepliesFor(ctx, actor, conv)
	if err != nil {
		return nil, err
	}
	tags, err := s.store.SavedReplyTags(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	articles, err := s.store.ListKBArticles(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if len(query) > MaxAssistQuery {
		query = strings.ToValidUTF8(query[:MaxAssistQuery], "") // a menu query, not a document: bounds the work
	}
	q := searchWords(query)
	type hit struct {
		Assist
		rank int
	}
	var hits []hit
	for _, r := range saved {
		if rank, ok := matchAssist(q, r.Name, tags[r.ID], r.Body); ok {
			hits = append(hits, hit{Assist{Kind: "saved_reply", ID: r.ID, Title: r.Name, Detail: preview(r.Body, 90), Insert: r.Body, Tags: tags[r.ID]}, rank})
		}
	}
	for _, a := range articles {
		if rank, ok := matchAssist(q, a.Title, a.Tags, ""); ok {
			hits = append(hits, hit{Assist{Kind: "article", ID: a.ID, Title: a.Title, Detail: a.URL, Insert: ArticleLink(a), Tags: a.Tags}, rank})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].rank < hits[j].rank })
	out := make([]Assist, 0, min(len(hits), MaxAssists))
	for _, h := range hits[:min(len(hits), MaxAssists)] {
		out = append(out, h.Assist)
	}
	return out, nil
}

// matchAssist tells whether every query word starts a word of the title,
// a tag or the text, and ranks the match: 0 all in the title, 1 with tags,
// 2 needing the text. Tags and text are folded only when the title does not
// answer: on every keystroke this runs over the whole workspace.
func matchAssist(q []string, title string, tags []string, text string) (int, bool) {
	if len(q) == 0 {
		return 0, true
	}
	ft := foldSearch(title)
	var fg, fx string
	gDone, xDone := false, false
	rank := 0
	for _, w := range q {
		if hasWordPrefix(ft, w) {
			continue
		}
		if !gDone {
			fg, gDone = foldSearch(strings.Join(tags, " ")), true
		}
		if hasWordPrefix(fg, w) {
			rank = max(rank, 1)
			continue
		}
		if !xDone {
			fx, xDone = foldSearch(text), true
		}
		if hasWordPrefix(fx, w) {
			rank = max(rank, 2)
			continue
		}
		return 0, false
	}
	return rank, true
}

// hasWordPrefix tells whether p starts a word of s (both folded).
func hasWordPrefix(s, p string) bool {
	for from := 0; from <= len(s)-len(p); {
		i := strings.Index(s[from:], p)
		if i < 0 {
			return false
		}
		at := from + i
		if at == 0 {
			return true
		}
		if r, _ := utf8.DecodeLastRuneInString(s[:at]); !isWordRune(r) {
			return true
		}
		from = at + 1
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// foldSearch lower-cases and removes accents ("Rückgabe" → "ruckgabe"); the
// Unicode transform runs only on text that is not plain ASCII.
func foldSearch(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
			if folded, _, err := transform.String(t, s); err == nil {
				s = folded
			}
			break
		}
	}
	return strings.ToLower(s)
}

// searchWords splits a query into folded words on anything that is not a
// letter or digit.
func searchWords(s string) []string {
	return strings.FieldsFunc(foldSearch(s), func(r rune) bool { return !isWordRune(r) })
}

// preview shortens a text to n runes for a menu.
func preview(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
