package inbox

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// Limits of a knowledge-base article and of the workspace's words.
const (
	MaxArticleTitle = 200
	MaxArticleURL   = 2000
	MaxTags         = 20
	MaxTagLen       = 40
	MaxWordLen      = 64
)

// ParseTags splits "refund, Shipping  returns" into normalised tags
// (lower case, no duplicates, order kept). Commas and spaces separate tags.
func ParseTags(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		t = strings.ToLower(strings.Trim(t, "#"))
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// CheckTags normalises tags given as a list (the API) and bounds them.
func CheckTags(tags []string) ([]string, error) {
	out := ParseTags(strings.Join(tags, ","))
	if len(out) > MaxTags {
		return nil, &ValidationError{Field: "tags", Message: fmt.Sprintf("an article has at most %d tags", MaxTags)}
	}
	for _, t := range out {
		if utf8.RuneCountInString(t) > MaxTagLen {
			return nil, &ValidationError{Field: "tags", Message: fmt.Sprintf("a tag is at most %d characters", MaxTagLen)}
		}
	}
	return out, nil
}

// CheckArticle validates and normalises an article before it is stored:
// a title, an absolute http(s) URL, and bounded tags.
func CheckArticle(a store.KBArticle) (store.KBArticle, error) {
	a.Title = strings.Join(strings.Fields(a.Title), " ")
	a.URL = strings.TrimSpace(a.URL)
	switch {
	case a.Title == "":
		return a, &ValidationError{Field: "title", Message: "the title is required"}
	case utf8.RuneCountInString(a.Title) > MaxArticleTitle:
		return a, &ValidationError{Field: "title", Message: fmt.Sprintf("the title is at most %d characters", MaxArticleTitle)}
	case a.URL == "":
		return a, &ValidationError{Field: "url", Message: "the address is required"}
	case len(a.URL) > MaxArticleURL:
		return a, &ValidationError{Field: "url", Message: fmt.Sprintf("the address is at most %d characters", MaxArticleURL)}
	}
	u, err := url.Parse(a.URL)
	// Only web links: a javascript: or data: URL inserted into a reply
	// would be a trap for the customer.
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(a.URL, " \t\r\n") {
		return a, &ValidationError{Field: "url", Message: "the address must be a web address starting with https:// or http://"}
	}
	tags, err := CheckTags(a.Tags)
	if err != nil {
		return a, err
	}
	a.Tags = tags
	return a, nil
}

// SaveArticle creates (ID empty) or updates an article of the actor's
// workspace.
func (s *Service) SaveArticle(ctx context.Context, actor model.Agent, a store.KBArticle) (store.KBArticle, error) {
	a, err := CheckArticle(a)
	if err != nil {
		return a, err
	}
	a.WorkspaceID = actor.WorkspaceID
	if a.ID == "" {
		a, err = s.store.CreateKBArticle(ctx, a)
	} else {
		a, err = s.store.UpdateKBArticle(ctx, a)
	}
	if errors.Is(err, store.ErrConflict) {
		return a, &ValidationError{Field: "url", Message: "another article has this address"}
	}
	return a, err
}

// ArticleLink is what inserting an article puts into a reply: its title and
// its address. The length check counts the address as the platform does
// (23 characters on X whatever its length).
func ArticleLink(a store.KBArticle) string { return a.Title + ": " + a.URL }

// CheckWord validates a workspace word: a brand or product name of at most
// MaxWordLen characters, with a letter, without control characters.
func CheckWord(w string) (string, error) {
	w = strings.Join(strings.Fields(w), " ")
	if w == "" {
		return w, &ValidationError{Field: "word", Message: "the word is required"}
	}
	if utf8.RuneCountInString(w) > MaxWordLen {
		return w, &ValidationError{Field: "word", Message: fmt.Sprintf("the word is at most %d characters", MaxWordLen)}
	}
	letter := false
	for _, r := range w {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return w, &ValidationError{Field: "word", Message: "the word contains a character that is not text"}
		}
		letter = letter || unicode.IsLetter(r)
	}
	if !letter {
		return w, &ValidationError{Field: "word", Message: "the word needs at least one letter"}
	}
	return w, nil
}

// AddWord adds a word to the workspace's dictionary: the spelling check
// accepts it in every agent's next check.
func (s *Service) AddWord(ctx context.Context, actor model.Agent, word string) (store.WorkspaceWord, error) {
	w, err := CheckWord(word)
	if err != nil {
		return store.WorkspaceWord{}, err
	}
	return s.store.AddWorkspaceWord(ctx, actor.WorkspaceID, w, actor.ID)
}

// workspaceWords lists the words as the checker takes them.
func (s *Service) workspaceWords(ctx context.Context, workspaceID string) ([]string, error) {
	ws, err := s.store.ListWorkspaceWords(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.Word)
	}
	return out, nil
}
