package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

type customerJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Handle string `json:"handle"`
}

type conversationJSON struct {
	ID                   string        `json:"id"`
	ChannelID            string        `json:"channel_id"`
	ChannelType          string        `json:"channel_type"`
	ChannelName          string        `json:"channel_name"`
	ThreadID             string        `json:"thread_id"`
	Status               string        `json:"status"`
	Public               bool          `json:"public"`
	Priority             int           `json:"priority"`
	Tags                 []string      `json:"tags"`
	Escalated            bool          `json:"escalated"`
	Virality             float64       `json:"virality"`
	Customer             customerJSON  `json:"customer"`
	AssigneeID           *string       `json:"assignee_id"`
	AssigneeName         string        `json:"assignee_name,omitempty"`
	TeamID               *string       `json:"team_id"`
	TeamName             string        `json:"team_name,omitempty"`
	Preview              string        `json:"preview"`
	CreatedAt            string        `json:"created_at"`
	LastMessageAt        string        `json:"last_message_at"`
	FirstResponseAt      *string       `json:"first_response_at"`
	FirstResponseSeconds *int64        `json:"first_response_seconds"`
	ResolvedAt           *string       `json:"resolved_at"`
	ResolutionSeconds    *int64        `json:"resolution_seconds"`
	AcknowledgedAt       *string       `json:"acknowledged_at"`
	AcknowledgedSeconds  *int64        `json:"acknowledged_seconds"`
	SLA                  slaJSON       `json:"sla"`
	Analysis             analysisJSON  `json:"analysis"`
	Messages             []messageJSON `json:"messages,omitempty"`
	Surveys              []surveyJSON  `json:"surveys,omitempty"` // CSAT/NPS surveys, on GET of one conversation
}

// slaJSON is the conversation's SLA state: the maximum (breach) deadline of
// each open clock, its warning (target) time, and the breaches so far.
type slaJSON struct {
	PolicyID            *string      `json:"policy_id"`
	FirstResponseWarnAt *string      `json:"first_response_warn_at"`
	FirstResponseDueAt  *string      `json:"first_response_due_at"`
	NextResponseWarnAt  *string      `json:"next_response_warn_at"`
	NextResponseDueAt   *string      `json:"next_response_due_at"`
	ResolutionWarnAt    *string      `json:"resolution_warn_at"`
	ResolutionDueAt     *string      `json:"resolution_due_at"`
	Breached            bool         `json:"breached"`
	Breaches            []breachJSON `json:"breaches"`
}

type breachJSON struct {
	Key       string `json:"key"`
	Metric    string `json:"metric"`
	CrossedAt string `json:"crossed_at"`
}

// analysisJSON summarises the analysis of the customer's latest message.
type analysisJSON struct {
	Language      string         `json:"language"`
	Sentiment     *sentimentJSON `json:"sentiment"`
	Intent        string         `json:"intent"`
	Spam          bool           `json:"spam"`
	PersonalData  bool           `json:"personal_data"`
	NeedsResponse bool           `json:"needs_response"`
}

type sentimentJSON struct {
	Compound float64 `json:"compound"`
	Label    string  `json:"label"`
}

type messageJSON struct {
	ID             string          `json:"id"`
	ConversationID string          `json:"conversation_id"`
	Direction      string          `json:"direction"`
	Note           bool            `json:"note"`
	Text           string          `json:"text"`
	Public         bool            `json:"public"`
	ExternalID     string          `json:"external_id,omitempty"`
	InReplyTo      string          `json:"in_reply_to,omitempty"`
	AuthorAgentID  string          `json:"author_agent_id,omitempty"`
	AuthorName     string          `json:"author_name,omitempty"`
	CreatedAt      string          `json:"created_at"`
	DeliveryStatus string          `json:"delivery_status,omitempty"`
	DeliveryError  string          `json:"delivery_error,omitempty"`
	SpamVerdict    string          `json:"spam_verdict,omitempty"`
	Holding        bool            `json:"holding,omitempty"`
	Hidden         bool            `json:"hidden,omitempty"`
	EditedAt       *string         `json:"edited_at,omitempty"`
	DeletedAt      *string         `json:"deleted_at,omitempty"`
	Analysis       json.RawMessage `json:"analysis,omitempty"`
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func rfcPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := rfc(*t)
	return &s
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toConversationJSON(c model.Conversation) conversationJSON {
	j := conversationJSON{ID: c.ID, ChannelID: c.ChannelID, ChannelType: c.ChannelType, ChannelName: c.ChannelName, ThreadID: c.ThreadID,
		Status: c.Status, Public: c.Public, Priority: c.Priority, Tags: append([]string{}, c.Tags...), Escalated: c.Escalated, Virality: c.Virality,
		Customer:   customerJSON{ID: c.CustomerID, Name: c.CustomerName, Handle: c.CustomerHandle},
		AssigneeID: strPtr(c.AssigneeID), AssigneeName: c.AssigneeName, TeamID: strPtr(c.TeamID), TeamName: c.TeamName,
		Preview: c.Preview, CreatedAt: rfc(c.CreatedAt), LastMessageAt: rfc(c.LastMessageAt),
		FirstResponseAt: rfcPtr(c.FirstResponseAt), FirstResponseSeconds: c.FirstResponseSeconds,
		ResolvedAt: rfcPtr(c.ResolvedAt), ResolutionSeconds: c.ResolutionSeconds,
		AcknowledgedAt: rfcPtr(c.AcknowledgedAt), AcknowledgedSeconds: c.AcknowledgedSeconds,
		SLA: slaJSON{PolicyID: strPtr(c.SLAPolicyID), FirstResponseWarnAt: rfcPtr(c.FirstResponseWarnAt), FirstResponseDueAt: rfcPtr(c.FirstResponseDueAt),
			NextResponseWarnAt: rfcPtr(c.NextResponseWarnAt), NextResponseDueAt: rfcPtr(c.NextResponseDueAt),
			ResolutionWarnAt: rfcPtr(c.ResolutionWarnAt), ResolutionDueAt: rfcPtr(c.ResolutionDueAt), Breached: c.SLABreached, Breaches: []breachJSON{}},
		Analysis: analysisJSON{Language: c.Language, Intent: c.Intent, Spam: c.Spam, PersonalData: c.PersonalData, NeedsResponse: c.NeedsResponse}}
	if c.SentimentScore != nil {
		j.Analysis.Sentiment = &sentimentJSON{Compound: *c.SentimentScore, Label: c.SentimentLabel}
	}
	return j
}

// toMessageJSON renders a message for viewer: personal data in public
// customer posts is masked for viewers without permission.
func toMessageJSON(m model.Message, viewer model.Agent) messageJSON {
	return messageJSON{ID: m.ID, ConversationID: m.ConversationID, Direction: m.Direction, Note: m.Direction == model.DirectionNote,
		Text: inbox.DisplayText(m, viewer), SpamVerdict: m.SpamVerdict, Holding: m.Holding, Hidden: m.Hidden, EditedAt: rfcPtr(m.EditedAt), DeletedAt: rfcPtr(m.DeletedAt), Public: m.Public, ExternalID: m.ExternalID, InReplyTo: m.InReplyTo, AuthorAgentID: m.AuthorAgentID,
		AuthorName: m.AuthorName, CreatedAt: rfc(m.CreatedAt), DeliveryStatus: m.DeliveryStatus, DeliveryError: m.DeliveryError,
		Analysis: m.Analysis}
}

func (h *Handler) listConversations(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	q := r.URL.Query()
	f := store.ConversationFilter{WorkspaceID: a.WorkspaceID, View: q.Get("view"), AgentID: a.ID, Status: q.Get("status"),
		ChannelID: q.Get("channel_id"), AssigneeID: q.Get("assignee_id"), TeamID: q.Get("team_id"), Query: q.Get("q"), Cursor: q.Get("cursor"),
		Sentiment: q.Get("sentiment"), Intent: q.Get("intent"), Spam: q.Get("spam"), PersonalData: q.Get("personal_data"), NeedsResponse: q.Get("needs_response")}
	switch f.View {
	case "", store.ViewAll, store.ViewOpen, store.ViewMine, store.ViewUnassigned, store.ViewResolved, store.ViewSpam, store.ViewQueue:
	default:
		writeError(w, http.StatusBadRequest, "invalid", "view must be all, open, mine, unassigned, resolved, spam or queue", "view")
		return
	}
	for field, v := range map[string]string{"spam": f.Spam, "personal_data": f.PersonalData, "needs_response": f.NeedsResponse} {
		if v != "" && v != "true" && v != "false" {
			writeError(w, http.StatusBadRequest, "invalid", "must be true or false", field)
			return
		}
	}
	if f.Sentiment != "" && f.Sentiment != "positive" && f.Sentiment != "neutral" && f.Sentiment != "negative" {
		writeError(w, http.StatusBadRequest, "invalid", "sentiment must be positive, neutral or negative", "sentiment")
		return
	}
	if f.Status != "" && f.Status != "open" && !model.ValidStatus(f.Status) {
		writeError(w, http.StatusBadRequest, "invalid", "status must be open, new, acknowledged, waiting or resolved", "status")
		return
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			writeError(w, http.StatusBadRequest, "invalid", "limit must be 1..200", "limit")
			return
		}
		f.Limit = n
	}
	cs, next, err := h.Store.ListConversations(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]conversationJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, toConversationJSON(c))
	}
	if err := h.addBreaches(r, out); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversations": out, "next_cursor": strPtr(next)})
}

func (h *Handler) showConversation(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	c, err := h.Store.GetConversation(r.Context(), a.WorkspaceID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ms, err := h.Store.ListMessages(r.Context(), c.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	j := toConversationJSON(c)
	one := []conversationJSON{j}
	if err := h.addBreaches(r, one); err != nil {
		h.fail(w, r, err)
		return
	}
	j = one[0]
	j.Messages = make([]messageJSON, 0, len(ms))
	for _, m := range ms {
		j.Messages = append(j.Messages, toMessageJSON(m, a))
	}
	if j.Surveys, err = h.conversationSurveys(r, c.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, j)
}

func (h *Handler) createMessage(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Text    string `json:"text"`
		Private bool   `json:"private"`
		Note    bool   `json:"note"`
		Holding bool   `json:"holding"`
		// Collision check (optional): when the client last loaded the
		// conversation, and the collision keys it chose to send anyway.
		SeenAt       time.Time `json:"seen_at"`
		Acknowledged []string  `json:"acknowledged"`
	}
	if !decode(w, r, &in) {
		return
	}
	m, err := h.Inbox.Reply(r.Context(), agentFrom(r.Context()), r.PathValue("id"), inbox.ReplyInput{Text: in.Text, Private: in.Private, Note: in.Note, Holding: in.Holding,
		Seen: in.SeenAt, Acknowledged: in.Acknowledged})
	if replyHeld(w, err) {
		return // awaiting approval, held by a collision or blocked: collab.go
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toMessageJSON(m, agentFrom(r.Context())))
}

func (h *Handler) setStatus(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Status string `json:"status"`
	}
	if !decode(w, r, &in) {
		return
	}
	a := agentFrom(r.Context())
	if err := h.Inbox.SetStatus(r.Context(), a, r.PathValue("id"), in.Status); err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeConversation(w, r, a, r.PathValue("id"))
}

func (h *Handler) assign(w http.ResponseWriter, r *http.Request) {
	var in struct {
		AgentID string `json:"agent_id"`
		TeamID  string `json:"team_id"`
	}
	if !decode(w, r, &in) {
		return
	}
	a := agentFrom(r.Context())
	if in.AgentID == "me" {
		in.AgentID = a.ID
	}
	if err := h.Inbox.Assign(r.Context(), a, r.PathValue("id"), in.AgentID, in.TeamID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeConversation(w, r, a, r.PathValue("id"))
}

func (h *Handler) writeConversation(w http.ResponseWriter, r *http.Request, a model.Agent, id string) {
	c, err := h.Store.GetConversation(r.Context(), a.WorkspaceID, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	one := []conversationJSON{toConversationJSON(c)}
	if err := h.addBreaches(r, one); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, one[0])
}

// addBreaches fills each conversation's SLA breaches with one query.
func (h *Handler) addBreaches(r *http.Request, cs []conversationJSON) error {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	bs, err := h.Store.ListBreaches(r.Context(), ids)
	if err != nil {
		return err
	}
	for i := range cs {
		for _, b := range bs[cs[i].ID] {
			cs[i].SLA.Breaches = append(cs[i].SLA.Breaches, breachJSON{Key: b.Key, Metric: b.Metric, CrossedAt: rfc(b.CrossedAt)})
		}
	}
	return nil
}

func (h *Handler) markSpam(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Spam *bool `json:"spam"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Spam == nil {
		writeError(w, http.StatusBadRequest, "invalid", "is required (true or false)", "spam")
		return
	}
	a := agentFrom(r.Context())
	if err := h.Inbox.MarkSpam(r.Context(), a, r.PathValue("id"), *in.Spam); err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeConversation(w, r, a, r.PathValue("id"))
}
