package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
)

// HourMs is the width of one volume bucket: mention_rules.hour is
// posted_at / HourMs.
const HourMs = int64(time.Hour / time.Millisecond)

// Mention is one public post heard by a workspace's listening rules.
type Mention struct {
	ID             string
	WorkspaceID    string
	Network        string
	PostID         string
	URL            string
	Author         string
	AuthorID       string
	Text           string
	Lang           string // what the network said
	PostedAt       time.Time
	CreatedAt      time.Time
	Sentiment      float64
	SentimentLabel string
	Spam           bool
	Intent         string
	Analysis       json.RawMessage // analyze.Result
	ConversationID string          // set once a conversation was opened for it
	RuleIDs        []string        // the rules that matched
}

// Language returns the detected language from the analysis, or the network's tag.
func (m Mention) Language() string {
	var a struct {
		Language string `json:"language"`
	}
	if json.Unmarshal(m.Analysis, &a) == nil && a.Language != "" {
		return a.Language
	}
	return m.Lang
}

const mentionCols = `id, workspace_id, network, post_id, url, author, author_id, text, lang, posted_at, created_at,
	sentiment, sentiment_label, spam, intent, analysis, COALESCE(conversation_id, '')`

func scanMention(sc interface{ Scan(...any) error }) (Mention, error) {
	var m Mention
	var posted, created int64
	var analysis string
	err := sc.Scan(&m.ID, &m.WorkspaceID, &m.Network, &m.PostID, &m.URL, &m.Author, &m.AuthorID, &m.Text, &m.Lang, &posted, &created,
		&m.Sentiment, &m.SentimentLabel, &m.Spam, &m.Intent, &analysis, &m.ConversationID)
	m.PostedAt, m.CreatedAt, m.Analysis = fromMs(posted), fromMs(created), json.RawMessage(analysis)
	return m, err
}

// InsertMention stores a mention and the rules it matched, unless the
// workspace already has this post (created false, and the stored mention's
// id is not filled in). Call it inside WithTx so the links commit with it.
func (s *Store) InsertMention(ctx context.Context, m Mention) (Mention, bool, error) {
	m.ID, m.CreatedAt = NewID(), s.Now()
	if len(m.Analysis) == 0 {
		m.Analysis = json.RawMessage(`{}`)
	}
	if m.SentimentLabel == "" {
		m.SentimentLabel = "neutral"
	}
	res, err := s.exec(ctx, `INSERT INTO mentions (id, workspace_id, network, post_id, url, author, author_id, text, lang, posted_at, created_at,
		sentiment, sentiment_label, spam, intent, analysis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, network, post_id) DO NOTHING`,
		m.ID, m.WorkspaceID, m.Network, m.PostID, m.URL, m.Author, m.AuthorID, m.Text, m.Lang, ms(m.PostedAt), ms(m.CreatedAt),
		m.Sentiment, m.SentimentLabel, m.Spam, m.Intent, string(m.Analysis))
	if err != nil {
		return m, false, s.mapErr("insert mention", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return m, false, s.mapErr("insert mention", err)
	}
	hour := ms(m.PostedAt) / HourMs
	for _, rid := range m.RuleIDs {
		if _, err := s.exec(ctx, `INSERT INTO mention_rules (mention_id, rule_id, workspace_id, hour) VALUES (?, ?, ?, ?)`,
			m.ID, rid, m.WorkspaceID, hour); err != nil {
			return m, false, s.mapErr("insert mention rule", err)
		}
	}
	return m, true, nil
}

// GetMention returns a workspace's mention by id.
func (s *Store) GetMention(ctx context.Context, workspaceID, id string) (Mention, error) {
	m, err := scanMention(s.queryRowW(ctx, `SELECT `+mentionCols+` FROM mentions WHERE id = ? AND workspace_id = ?`, id, workspaceID))
	if err != nil {
		return m, s.mapErr("get mention", err)
	}
	one := []Mention{m}
	if err := s.fillMentionRules(ctx, one); err != nil {
		return m, err
	}
	return one[0], nil
}

// SetMentionConversation records the conversation opened for a mention.
func (s *Store) SetMentionConversation(ctx context.Context, workspaceID, network, postID, conversationID string) error {
	_, err := s.exec(ctx, `UPDATE mentions SET conversation_id = ? WHERE workspace_id = ? AND network = ? AND post_id = ?`,
		conversationID, workspaceID, network, postID)
	return s.mapErr("set mention conversation", err)
}

// MentionFilter selects mentions of the feed; empty fields select all.
type MentionFilter struct {
	WorkspaceID string
	RuleID      string
	Sentiment   string // positive, neutral, negative
	Language    string // the network's tag or the detected language, primary subtag
	Network     string
	Before      string // a mention id: only older ones (keyset paging)
	Limit       int    // default 50, at most 500
}

// ListMentions returns a workspace's mentions, newest post first.
func (s *Store) ListMentions(ctx context.Context, f MentionFilter) ([]Mention, error) {
	q := `SELECT ` + mentionCols + ` FROM mentions WHERE workspace_id = ?`
	args := []any{f.WorkspaceID}
	if f.RuleID != "" {
		q += ` AND id IN (SELECT mention_id FROM mention_rules WHERE rule_id = ?)`
		args = append(args, f.RuleID)
	}
	if f.Sentiment != "" {
		q += ` AND sentiment_label = ?`
		args = append(args, f.Sentiment)
	}
	if f.Network != "" {
		q += ` AND network = ?`
		args = append(args, f.Network)
	}
	if f.Language != "" {
		// The detected language is in the analysis JSON; the network's tag
		// is a column. Either counts, primary subtag only ("en" = "en-GB").
		q += ` AND (lang = ? OR lang LIKE ? OR analysis LIKE ?)`
		l := strings.ToLower(f.Language)
		args = append(args, l, l+"-%", `%"language":"`+l+`"%`)
	}
	if f.Before != "" {
		q += ` AND (posted_at, id) < (SELECT posted_at, id FROM mentions WHERE id = ?)`
		args = append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	q += ` ORDER BY posted_at DESC, id DESC LIMIT ?`
	args = append(args, min(limit, 500))
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, s.mapErr("list mentions", err)
	}
	defer rows.Close()
	var out []Mention
	for rows.Next() {
		m, err := scanMention(rows)
		if err != nil {
			return nil, s.mapErr("list mentions", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.mapErr("list mentions", err)
	}
	return out, s.fillMentionRules(ctx, out)
}

func (s *Store) fillMentionRules(ctx context.Context, ms []Mention) error {
	if len(ms) == 0 {
		return nil
	}
	idx := make(map[string]int, len(ms))
	args := make([]any, len(ms))
	for i, m := range ms {
		idx[m.ID] = i
		args[i] = m.ID
	}
	rows, err := s.query(ctx, `SELECT mention_id, rule_id FROM mention_rules WHERE mention_id IN (?`+strings.Repeat(", ?", len(ms)-1)+`) ORDER BY rule_id`, args...)
	if err != nil {
		return s.mapErr("mention rules", err)
	}
	defer rows.Close()
	for rows.Next() {
		var mid, rid string
		if err := rows.Scan(&mid, &rid); err != nil {
			return s.mapErr("mention rules", err)
		}
		ms[idx[mid]].RuleIDs = append(ms[idx[mid]].RuleIDs, rid)
	}
	return s.mapErr("mention rules", rows.Err())
}

// CountMentions counts a workspace's mentions.
func (s *Store) CountMentions(ctx context.Context, workspaceID string) (int, error) {
	var n int
	err := s.queryRowW(ctx, `SELECT COUNT(*) FROM mentions WHERE workspace_id = ?`, workspaceID).Scan(&n)
	return n, s.mapErr("count mentions", err)
}

// RuleHourCounts returns a rule's mention count per hour in [from, to]
// (hours as unix ms / HourMs); hours without mentions are absent.
func (s *Store) RuleHourCounts(ctx context.Context, ruleID string, from, to int64) (map[int64]int, error) {
	rows, err := s.w.QueryContext(ctx, s.db.Dialect.Rebind(`SELECT hour, COUNT(*) FROM mention_rules WHERE rule_id = ? AND hour BETWEEN ? AND ? GROUP BY hour`),
		ruleID, from, to)
	if err != nil {
		return nil, s.mapErr("rule hour counts", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var h int64
		var n int
		if err := rows.Scan(&h, &n); err != nil {
			return nil, s.mapErr("rule hour counts", err)
		}
		out[h] = n
	}
	return out, s.mapErr("rule hour counts", rows.Err())
}

// FirstRuleHour returns the hour of a rule's oldest mention (ok false: none).
func (s *Store) FirstRuleHour(ctx context.Context, ruleID string) (hour int64, ok bool, err error) {
	var h sql.NullInt64
	err = s.queryRowW(ctx, `SELECT MIN(hour) FROM mention_rules WHERE rule_id = ?`, ruleID).Scan(&h)
	return h.Int64, h.Valid, s.mapErr("first rule hour", err)
}

// RuleHourMentions returns a rule's mentions of one hour (for an alert's
// top terms and posts), oldest first, at most limit.
func (s *Store) RuleHourMentions(ctx context.Context, ruleID string, hour int64, limit int) ([]Mention, error) {
	rows, err := s.w.QueryContext(ctx, s.db.Dialect.Rebind(`SELECT `+mentionCols+` FROM mentions
		WHERE id IN (SELECT mention_id FROM mention_rules WHERE rule_id = ? AND hour = ?) ORDER BY posted_at, id LIMIT ?`), ruleID, hour, limit)
	if err != nil {
		return nil, s.mapErr("rule hour mentions", err)
	}
	defer rows.Close()
	var out []Mention
	for rows.Next() {
		m, err := scanMention(rows)
		if err != nil {
			return nil, s.mapErr("rule hour mentions", err)
		}
		out = append(out, m)
	}
	return out, s.mapErr("rule hour mentions", rows.Err())
}

// VolumePoint is one rule's mention count in one bucket.
type VolumePoint struct {
	RuleID string
	Bucket int64 // unix ms / (HourMs * bucket hours)
	Count  int
}

// MentionVolume counts a workspace's mentions per rule per bucket of
// bucketHours (1 = hourly, 24 = daily, in UTC) from the hour from on.
func (s *Store) MentionVolume(ctx context.Context, workspaceID string, from int64, bucketHours int64) ([]VolumePoint, error) {
	rows, err := s.query(ctx, `SELECT rule_id, hour / ? AS b, COUNT(*) FROM mention_rules WHERE workspace_id = ? AND hour >= ?
		GROUP BY rule_id, b ORDER BY b, rule_id`, max(bucketHours, 1), workspaceID, from)
	if err != nil {
		return nil, s.mapErr("mention volume", err)
	}
	defer rows.Close()
	var out []VolumePoint
	for rows.Next() {
		var p VolumePoint
		if err := rows.Scan(&p.RuleID, &p.Bucket, &p.Count); err != nil {
			return nil, s.mapErr("mention volume", err)
		}
		out = append(out, p)
	}
	return out, s.mapErr("mention volume", rows.Err())
}

// SentimentPoint is the sentiment of one bucket's mentions.
type SentimentPoint struct {
	Bucket                      int64
	Positive, Neutral, Negative int
	Average                     float64 // mean compound score
}

// MentionSentiment sums a workspace's mentions (one rule's when ruleID is
// set) by sentiment per bucket of bucketHours, from the hour from on.
func (s *Store) MentionSentiment(ctx context.Context, workspaceID, ruleID string, from int64, bucketHours int64) ([]SentimentPoint, error) {
	q := `SELECT posted_at / ? AS b,
		SUM(CASE WHEN sentiment_label = 'positive' THEN 1 ELSE 0 END),
		SUM(CASE WHEN sentiment_label = 'neutral' THEN 1 ELSE 0 END),
		SUM(CASE WHEN sentiment_label = 'negative' THEN 1 ELSE 0 END),
		AVG(sentiment)
		FROM mentions WHERE workspace_id = ? AND posted_at >= ?`
	args := []any{HourMs * max(bucketHours, 1), workspaceID, from * HourMs}
	if ruleID != "" {
		q += ` AND id IN (SELECT mention_id FROM mention_rules WHERE rule_id = ?)`
		args = append(args, ruleID)
	}
	rows, err := s.query(ctx, q+` GROUP BY b ORDER BY b`, args...)
	if err != nil {
		return nil, s.mapErr("mention sentiment", err)
	}
	defer rows.Close()
	var out []SentimentPoint
	for rows.Next() {
		var p SentimentPoint
		if err := rows.Scan(&p.Bucket, &p.Positive, &p.Neutral, &p.Negative, &p.Average); err != nil {
			return nil, s.mapErr("mention sentiment", err)
		}
		out = append(out, p)
	}
	return out, s.mapErr("mention sentiment", rows.Err())
}

// ListenAlert is one volume spike of one rule: a burst, however many hours
// it lasts.
type ListenAlert struct {
	ID          string
	WorkspaceID string
	RuleID      string
	RuleName    string
	StartHour   int64 // unix ms / HourMs
	LastHour    int64
	Volume      int     // mentions in the hour that raised it
	Baseline    float64 // the expected count
	Threshold   float64 // the count that counts as a spike
	TopTerms    []string
	TopPosts    []string // mention ids
	CreatedAt   time.Time
}

// CreateListenAlert stores an alert; ErrConflict when the rule already has
// one starting in that hour (another node raised it first).
func (s *Store) CreateListenAlert(ctx context.Context, a ListenAlert) (ListenAlert, error) {
	a.ID, a.CreatedAt = NewID(), s.Now()
	terms, _ := json.Marshal(nonNil(a.TopTerms))
	posts, _ := json.Marshal(nonNil(a.TopPosts))
	_, err := s.exec(ctx, `INSERT INTO listen_alerts (id, workspace_id, rule_id, rule_name, start_hour, last_hour, volume, baseline, threshold, top_terms, top_posts, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.WorkspaceID, a.RuleID, a.RuleName, a.StartHour, a.LastHour, a.Volume, a.Baseline, a.Threshold,
		string(terms), string(posts), ms(a.CreatedAt))
	return a, s.mapErr("create listen alert", err)
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// ExtendListenAlert moves a running burst's last hour forward.
func (s *Store) ExtendListenAlert(ctx context.Context, id string, lastHour int64) error {
	_, err := s.exec(ctx, `UPDATE listen_alerts SET last_hour = ? WHERE id = ? AND last_hour < ?`, lastHour, id, lastHour)
	return s.mapErr("extend listen alert", err)
}

const alertCols = `id, workspace_id, rule_id, rule_name, start_hour, last_hour, volume, baseline, threshold, top_terms, top_posts, created_at`

func scanAlert(sc interface{ Scan(...any) error }) (ListenAlert, error) {
	var a ListenAlert
	var terms, posts string
	var created int64
	if err := sc.Scan(&a.ID, &a.WorkspaceID, &a.RuleID, &a.RuleName, &a.StartHour, &a.LastHour, &a.Volume, &a.Baseline, &a.Threshold, &terms, &posts, &created); err != nil {
		return a, err
	}
	a.CreatedAt = fromMs(created)
	json.Unmarshal([]byte(terms), &a.TopTerms)
	json.Unmarshal([]byte(posts), &a.TopPosts)
	return a, nil
}

// LatestListenAlert returns a rule's most recent alert (ErrNotFound: none).
func (s *Store) LatestListenAlert(ctx context.Context, ruleID string) (ListenAlert, error) {
	a, err := scanAlert(s.queryRowW(ctx, `SELECT `+alertCols+` FROM listen_alerts WHERE rule_id = ? ORDER BY start_hour DESC LIMIT 1`, ruleID))
	return a, s.mapErr("latest listen alert", err)
}

// ListListenAlerts returns a workspace's alerts, newest first.
func (s *Store) ListListenAlerts(ctx context.Context, workspaceID string, limit int) ([]ListenAlert, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.query(ctx, `SELECT `+alertCols+` FROM listen_alerts WHERE workspace_id = ? ORDER BY start_hour DESC, id DESC LIMIT ?`, workspaceID, limit)
	if err != nil {
		return nil, s.mapErr("list listen alerts", err)
	}
	defer rows.Close()
	var out []ListenAlert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, s.mapErr("list listen alerts", err)
		}
		out = append(out, a)
	}
	return out, s.mapErr("list listen alerts", rows.Err())
}
