package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Survey kinds and statuses.
const (
	SurveyCSAT = "csat" // 1–5
	SurveyNPS  = "nps"  // 0–10

	SurveyScheduled = "scheduled" // waiting for its due time (the delay after resolution)
	SurveySent      = "sent"      // delivered, waiting for the customer's answer
	SurveyAnswered  = "answered"
	SurveyCancelled = "cancelled" // reopened, marked spam or no longer enabled before it went out
	SurveyFailed    = "failed"    // the channel could not deliver it
)

// SurveySettings is a workspace's survey configuration. Without a stored row
// surveys are disabled and the other fields hold the defaults.
type SurveySettings struct {
	WorkspaceID  string
	Enabled      bool
	Kind         string // SurveyCSAT or SurveyNPS
	Question     string // "" means the default question of the kind
	Delay        time.Duration
	AnswerDays   int      // a score-only reply within this many days of sending counts as the answer
	CooldownDays int      // after a survey on a conversation, no new one on it for this many days
	ChannelIDs   []string // empty: every channel
	UpdatedAt    time.Time
}

// DefaultSurveySettings are the settings of a workspace that never saved any.
func DefaultSurveySettings(workspaceID string) SurveySettings {
	return SurveySettings{WorkspaceID: workspaceID, Kind: SurveyCSAT, AnswerDays: 7, CooldownDays: 7}
}

// AppliesTo reports whether surveys go out on a channel.
func (s SurveySettings) AppliesTo(channelID string) bool {
	if len(s.ChannelIDs) == 0 {
		return true
	}
	for _, id := range s.ChannelIDs {
		if id == channelID {
			return true
		}
	}
	return false
}

// GetSurveySettings returns a workspace's survey settings (the defaults,
// disabled, when none were saved).
func (s *Store) GetSurveySettings(ctx context.Context, workspaceID string) (SurveySettings, error) {
	set := DefaultSurveySettings(workspaceID)
	var delay, updated int64
	var channels string
	err := s.queryRow(ctx, `SELECT enabled, kind, question, delay_seconds, answer_days, cooldown_days, channel_ids, updated_at
		FROM survey_settings WHERE workspace_id = ?`, workspaceID).
		Scan(&set.Enabled, &set.Kind, &set.Question, &delay, &set.AnswerDays, &set.CooldownDays, &channels, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return set, nil
	}
	if err != nil {
		return SurveySettings{}, s.mapErr("get survey settings", err)
	}
	set.Delay = time.Duration(delay) * time.Second
	set.UpdatedAt = fromMs(updated)
	if channels != "" {
		set.ChannelIDs = strings.Split(channels, ",")
	}
	return set, nil
}

// SaveSurveySettings stores a workspace's survey settings (validated by the
// caller: internal/survey).
func (s *Store) SaveSurveySettings(ctx context.Context, set SurveySettings) error {
	_, err := s.exec(ctx, `INSERT INTO survey_settings (workspace_id, enabled, kind, question, delay_seconds, answer_days, cooldown_days, channel_ids, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id) DO UPDATE SET enabled = excluded.enabled, kind = excluded.kind, question = excluded.question,
			delay_seconds = excluded.delay_seconds, answer_days = excluded.answer_days, cooldown_days = excluded.cooldown_days,
			channel_ids = excluded.channel_ids, updated_at = excluded.updated_at`,
		set.WorkspaceID, set.Enabled, set.Kind, set.Question, int64(set.Delay/time.Second), set.AnswerDays, set.CooldownDays,
		strings.Join(set.ChannelIDs, ","), ms(s.Now()))
	return s.mapErr("save survey settings", err)
}

// Survey is one survey planned for one resolution of a conversation.
type Survey struct {
	ID             string
	WorkspaceID    string
	ConversationID string
	IdentityID     string // the customer's identity: a private answer may arrive in another thread
	ResolvedAt     time.Time
	Kind           string
	Question       string // the text sent
	Status         string
	DueAt          time.Time
	SentAt         *time.Time
	ExpiresAt      *time.Time // the end of the answer window, set when sent
	Score          *int
	AnswerText     string
	AnsweredAt     *time.Time
	Attempts       int
	Error          string
	CreatedAt      time.Time
}

const surveyCols = `id, workspace_id, conversation_id, identity_id, resolved_at, kind, question, status, due_at, sent_at, expires_at,
	score, answer_text, answered_at, attempts, error, created_at`

func scanSurvey(sc interface{ Scan(...any) error }) (Survey, error) {
	var v Survey
	var resolved, due, created int64
	var sent, expires, answered, score sql.NullInt64
	err := sc.Scan(&v.ID, &v.WorkspaceID, &v.ConversationID, &v.IdentityID, &resolved, &v.Kind, &v.Question, &v.Status, &due,
		&sent, &expires, &score, &v.AnswerText, &answered, &v.Attempts, &v.Error, &created)
	if err != nil {
		return Survey{}, err
	}
	v.ResolvedAt, v.DueAt, v.CreatedAt = fromMs(resolved), fromMs(due), fromMs(created)
	v.SentAt, v.ExpiresAt, v.AnsweredAt = fromNullMs(sent), fromNullMs(expires), fromNullMs(answered)
	if score.Valid {
		n := int(score.Int64)
		v.Score = &n
	}
	return v, nil
}

// CreateSurvey stores a scheduled survey. A survey for the same resolution
// (conversation and resolved_at) already stored gives ErrConflict.
func (s *Store) CreateSurvey(ctx context.Context, v Survey) (Survey, error) {
	if v.ID == "" {
		v.ID = NewID()
	}
	v.Status = SurveyScheduled
	if v.CreatedAt.IsZero() {
		v.CreatedAt = s.Now()
	}
	res, err := s.exec(ctx, `INSERT INTO surveys (id, workspace_id, conversation_id, identity_id, resolved_at, kind, question, status, due_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id, resolved_at) DO NOTHING`,
		v.ID, v.WorkspaceID, v.ConversationID, v.IdentityID, ms(v.ResolvedAt), v.Kind, v.Question, v.Status, ms(v.DueAt), ms(v.CreatedAt))
	if err != nil {
		return Survey{}, s.mapErr("create survey", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return Survey{}, s.mapErr("create survey", err)
	} else if n == 0 {
		return Survey{}, ErrConflict
	}
	return v, nil
}

// GetSurvey returns one survey (read through the write connection, so a
// job started right after the commit that created it sees it on SQLite).
func (s *Store) GetSurvey(ctx context.Context, id string) (Survey, error) {
	v, err := scanSurvey(s.queryRowW(ctx, `SELECT `+surveyCols+` FROM surveys WHERE id = ?`, id))
	return v, s.mapErr("get survey", err)
}

// LastSurveyCreatedAt returns when the latest survey of a conversation was
// planned (zero time if none was): the cool-down counts from it.
func (s *Store) LastSurveyCreatedAt(ctx context.Context, conversationID string) (time.Time, error) {
	var at sql.NullInt64
	err := s.queryRow(ctx, `SELECT MAX(created_at) FROM surveys WHERE conversation_id = ? AND status <> 'cancelled'`, conversationID).Scan(&at)
	if err != nil {
		return time.Time{}, s.mapErr("last survey", err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	return fromMs(at.Int64), nil
}

// MarkSurveySent records a delivery; the answer window closes at expires.
func (s *Store) MarkSurveySent(ctx context.Context, id string, at, expires time.Time, attempts int) error {
	res, err := s.exec(ctx, `UPDATE surveys SET status = 'sent', sent_at = ?, expires_at = ?, attempts = ?, error = ''
		WHERE id = ? AND status = 'scheduled'`, ms(at), ms(expires), attempts, id)
	if err != nil {
		return s.mapErr("mark survey sent", err)
	}
	return mustAffect(res, "mark survey sent")
}

// SetSurveyOutcome records a failed attempt (status stays scheduled), a final
// failure or a cancellation of a survey that has not gone out.
func (s *Store) SetSurveyOutcome(ctx context.Context, id, status, reason string, attempts int) error {
	_, err := s.exec(ctx, `UPDATE surveys SET status = ?, error = ?, attempts = ? WHERE id = ? AND status = 'scheduled'`,
		status, reason, attempts, id)
	return s.mapErr("set survey outcome", err)
}

// CancelScheduledSurveys cancels the surveys of a conversation that have not
// gone out yet (it was reopened or marked spam during the delay).
func (s *Store) CancelScheduledSurveys(ctx context.Context, conversationID, reason string) error {
	_, err := s.exec(ctx, `UPDATE surveys SET status = 'cancelled', error = ? WHERE conversation_id = ? AND status = 'scheduled'`,
		reason, conversationID)
	return s.mapErr("cancel surveys", err)
}

// PendingSurveyForIdentity returns the newest survey sent to a customer
// identity whose answer window is open at at; ErrNotFound if none.
func (s *Store) PendingSurveyForIdentity(ctx context.Context, workspaceID, identityID string, at time.Time) (Survey, error) {
	v, err := scanSurvey(s.queryRow(ctx, `SELECT `+surveyCols+` FROM surveys
		WHERE workspace_id = ? AND identity_id = ? AND status = 'sent' AND expires_at > ?
		ORDER BY sent_at DESC, id DESC LIMIT 1`, workspaceID, identityID, ms(at)))
	return v, s.mapErr("pending survey", err)
}

// AnswerSurvey records the customer's score. Only a sent survey can be
// answered, once: otherwise ErrConflict.
func (s *Store) AnswerSurvey(ctx context.Context, id string, score int, text string, at time.Time) error {
	res, err := s.exec(ctx, `UPDATE surveys SET status = 'answered', score = ?, answer_text = ?, answered_at = ?
		WHERE id = ? AND status = 'sent'`, score, text, ms(at), id)
	if err != nil {
		return s.mapErr("answer survey", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.mapErr("answer survey", err)
	} else if n == 0 {
		return ErrConflict
	}
	return nil
}

// ListSurveys returns a conversation's surveys, oldest first.
func (s *Store) ListSurveys(ctx context.Context, conversationID string) ([]Survey, error) {
	rows, err := s.query(ctx, `SELECT `+surveyCols+` FROM surveys WHERE conversation_id = ? ORDER BY created_at, id`, conversationID)
	if err != nil {
		return nil, s.mapErr("list surveys", err)
	}
	defer rows.Close()
	var out []Survey
	for rows.Next() {
		v, err := scanSurvey(rows)
		if err != nil {
			return nil, s.mapErr("list surveys", err)
		}
		out = append(out, v)
	}
	return out, s.mapErr("list surveys", rows.Err())
}

// ListDueSurveyIDs returns scheduled surveys due before a time: the
// reconciler re-enqueues those whose job was lost.
func (s *Store) ListDueSurveyIDs(ctx context.Context, before time.Time, limit int) ([]string, error) {
	rows, err := s.query(ctx, `SELECT id FROM surveys WHERE status = 'scheduled' AND due_at < ? ORDER BY due_at LIMIT ?`, ms(before), limit)
	if err != nil {
		return nil, s.mapErr("due surveys", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.mapErr("due surveys", err)
		}
		out = append(out, id)
	}
	return out, s.mapErr("due surveys", rows.Err())
}

// SurveyScore is one answered survey as reports see it.
type SurveyScore struct {
	ConversationID string
	Kind           string
	Score          int
}

// ListSurveyScores returns the answered surveys of the conversations a report
// filter selects (those that started in the range), so survey figures cover
// the same conversations as the rest of a report group.
func (s *Store) ListSurveyScores(ctx context.Context, f ReportFilter) ([]SurveyScore, error) {
	where, args := s.reportFilterWhere(f)
	where = append(where, "sv.status = 'answered'")
	rows, err := s.query(ctx, `SELECT sv.conversation_id, sv.kind, sv.score FROM surveys sv
		JOIN conversations c ON c.id = sv.conversation_id JOIN channels ch ON ch.id = c.channel_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY sv.answered_at, sv.id`, args...)
	if err != nil {
		return nil, s.mapErr("survey scores", err)
	}
	defer rows.Close()
	var out []SurveyScore
	for rows.Next() {
		var v SurveyScore
		if err := rows.Scan(&v.ConversationID, &v.Kind, &v.Score); err != nil {
			return nil, s.mapErr("survey scores", err)
		}
		out = append(out, v)
	}
	return out, s.mapErr("survey scores", rows.Err())
}
