package survey

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/store"
)

// Bounds of the settings.
const (
	MaxQuestionBytes = 500
	MaxDelay         = 7 * 24 * time.Hour
	MaxAnswerDays    = 30
	MaxCooldownDays  = 365
)

// ValidationError is a settings mistake, shown as is.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// DefaultQuestion is asked when the workspace wrote none.
func DefaultQuestion(kind string) string {
	if kind == store.SurveyNPS {
		return "How likely are you to recommend us to a friend or colleague?"
	}
	return "How satisfied are you with the help you received?"
}

// Hint tells the customer how to answer; it follows the question, so a
// workspace's question never has to explain the scale.
func Hint(kind string) string {
	if kind == store.SurveyNPS {
		return "Reply with a number from 0 (not at all likely) to 10 (extremely likely)."
	}
	return "Reply with a number from 1 (very unsatisfied) to 5 (very satisfied)."
}

// Text is the message a survey sends.
func Text(set store.SurveySettings) string {
	q := strings.TrimSpace(set.Question)
	if q == "" {
		q = DefaultQuestion(set.Kind)
	}
	return q + "\n" + Hint(set.Kind)
}

// Validate checks settings a person submitted; the channels must be the
// workspace's own.
func Validate(ctx context.Context, st *store.Store, set *store.SurveySettings) error {
	if set.Kind != store.SurveyCSAT && set.Kind != store.SurveyNPS {
		return &ValidationError{Field: "kind", Message: "must be csat or nps"}
	}
	set.Question = strings.TrimSpace(set.Question)
	if len(set.Question) > MaxQuestionBytes {
		return &ValidationError{Field: "question", Message: fmt.Sprintf("longer than %d bytes", MaxQuestionBytes)}
	}
	if !utf8.ValidString(set.Question) || strings.ContainsFunc(set.Question, func(r rune) bool { return unicode.IsControl(r) }) {
		return &ValidationError{Field: "question", Message: "must be one line of text"}
	}
	if set.Delay < 0 || set.Delay > MaxDelay {
		return &ValidationError{Field: "delay_minutes", Message: "must be between 0 and 10080 minutes (7 days)"}
	}
	if set.AnswerDays < 1 || set.AnswerDays > MaxAnswerDays {
		return &ValidationError{Field: "answer_days", Message: fmt.Sprintf("must be between 1 and %d", MaxAnswerDays)}
	}
	if set.CooldownDays < 0 || set.CooldownDays > MaxCooldownDays {
		return &ValidationError{Field: "cooldown_days", Message: fmt.Sprintf("must be between 0 and %d", MaxCooldownDays)}
	}
	seen := map[string]bool{}
	ids := set.ChannelIDs[:0:0]
	for _, id := range set.ChannelIDs {
		id = strings.TrimSpace(id)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		ch, err := st.GetChannel(ctx, id)
		if err != nil || ch.WorkspaceID != set.WorkspaceID {
			return &ValidationError{Field: "channel_ids", Message: "no such channel: " + id}
		}
		ids = append(ids, id)
	}
	set.ChannelIDs = ids
	return nil
}
