package listening

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/heed-dev/heed/internal/listen"
	"github.com/heed-dev/heed/internal/store"
)

// InputError is a rule the user must fix: the field, the message and, for a
// query that does not parse, the column (1-based, in characters).
type InputError struct {
	Field   string
	Message string
	Col     int
}

func (e *InputError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("%s: col %d: %s", e.Field, e.Col, e.Message)
	}
	return e.Field + ": " + e.Message
}

// MaxQueryLen bounds a rule's query (characters).
const MaxQueryLen = 1024

// Validate normalises a rule (trimmed name and query, default action and
// kind) and checks it; the error is an *InputError.
func Validate(r store.ListenRule) (store.ListenRule, error) {
	r.Name, r.Query = strings.TrimSpace(r.Name), strings.TrimSpace(r.Query)
	if r.Action == "" {
		r.Action = store.ListenActionFeed
	}
	if r.Kind == "" {
		r.Kind = store.ListenKindBrand
	}
	switch {
	case r.Name == "":
		return r, &InputError{Field: "name", Message: "is required"}
	case len([]rune(r.Name)) > 100:
		return r, &InputError{Field: "name", Message: "longer than 100 characters"}
	case r.Action != store.ListenActionFeed && r.Action != store.ListenActionConversation:
		return r, &InputError{Field: "action", Message: `must be "feed" or "conversation"`}
	case r.Kind != store.ListenKindBrand && r.Kind != store.ListenKindCompetitor:
		return r, &InputError{Field: "kind", Message: `must be "brand" or "competitor"`}
	case len([]rune(r.Query)) > MaxQueryLen:
		return r, &InputError{Field: "query", Message: fmt.Sprintf("longer than %d characters", MaxQueryLen)}
	}
	if err := CheckQuery(r.Query); err != nil {
		return r, err
	}
	return r, nil
}

// CheckQuery parses a query; the error is an *InputError with the column.
func CheckQuery(q string) error {
	if strings.TrimSpace(q) == "" {
		return &InputError{Field: "query", Message: "is required"}
	}
	if _, err := listen.Parse(q); err != nil {
		var se *listen.SyntaxError
		if errors.As(err, &se) {
			return &InputError{Field: "query", Message: se.Msg, Col: se.Col}
		}
		return &InputError{Field: "query", Message: err.Error()}
	}
	// Parsing alone misses what only compiling checks (a ~term too short…).
	if _, err := listen.NewMatcher([]listen.Rule{{ID: "check", Query: q}}); err != nil {
		var se *listen.SyntaxError
		if errors.As(err, &se) {
			return &InputError{Field: "query", Message: se.Msg, Col: se.Col}
		}
		return &InputError{Field: "query", Message: err.Error()}
	}
	return nil
}

// CreateRule validates and stores a rule, then recompiles the matcher.
func (s *Service) CreateRule(ctx context.Context, r store.ListenRule) (store.ListenRule, error) {
	r, err := Validate(r)
	if err != nil {
		return r, err
	}
	r, err = s.store.CreateListenRule(ctx, r)
	if errors.Is(err, store.ErrConflict) {
		return r, &InputError{Field: "name", Message: "a rule with this name exists"}
	}
	if err != nil {
		return r, err
	}
	return r, s.Reload(ctx)
}

// UpdateRule validates and replaces a rule, then recompiles the matcher.
func (s *Service) UpdateRule(ctx context.Context, r store.ListenRule) (store.ListenRule, error) {
	r, err := Validate(r)
	if err != nil {
		return r, err
	}
	r, err = s.store.UpdateListenRule(ctx, r)
	if errors.Is(err, store.ErrConflict) {
		return r, &InputError{Field: "name", Message: "a rule with this name exists"}
	}
	if err != nil {
		return r, err
	}
	return r, s.Reload(ctx)
}

// DeleteRule removes a rule and recompiles the matcher.
func (s *Service) DeleteRule(ctx context.Context, workspaceID, id string) error {
	if err := s.store.DeleteListenRule(ctx, workspaceID, id); err != nil {
		return err
	}
	return s.Reload(ctx)
}
