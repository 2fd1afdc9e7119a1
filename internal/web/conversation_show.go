package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/store"

	"github.com/heed-dev/heed/internal/model"
)

// convData is the conversation pane: history, facts and the action forms.
type convData struct {
	Conv     model.Conversation
	Messages []msgView
	Agents   []model.Agent
	Teams    []model.Team
	Me       model.Agent
	CSRF     string
	List     listQuery // carried through the forms so a plain post comes back to the same list
	Error    string    // a validation message from the last action
	Draft    string    // the reply text to keep after a validation error
	Note     string    // the note text to keep after a validation error
	Caps     channel.Capabilities
	DMLink   string
	// WindowClosedAt is when the platform's reply window for private
	// messages closed (zero while it is open or the channel has none).
	WindowClosedAt time.Time
	HumanAgent     bool               // the channel may send with Meta's human-agent tag
	Saved          []store.SavedReply // saved replies, variables filled for this conversation
	Surveys        []surveyView       // CSAT/NPS surveys of the conversation (survey_view.go)
	Collab         collabView         // presence, pending approvals, collision warning (collab_view.go)

	// Links are the public post it moved from, the private conversation it moved to.
	Links []inbox.LinkedConversation

	// MoveReason is the private move's reason to keep after a validation error.
	MoveReason string
}

// MaxLength is the reply limit shown by the composer's counter (0: none).
func (c convData) MaxLength() int {
	if !c.Conv.Public && c.Caps.MaxPrivate > 0 {
		return c.Caps.MaxPrivate
	}
	return c.Caps.MaxLength
}

// Src is the URL app.js re-fetches the pane from.
func (c convData) Src() string { return "/conversations/" + c.Conv.ID }

// ListQS is the list's query string, for the back link.
func (c convData) ListQS() string { return c.List.Encode() }

func (h *Handler) loadConv(ctx context.Context, r *http.Request, id string, q listQuery) (*convData, error) {
	a := me(r)
	conv, err := h.Store.GetConversation(ctx, a.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	if a.Role == model.RoleContributor && conv.AssigneeID != a.ID {
		return nil, errNotFound // contributors see only what is assigned to them
	}
	msgs, err := h.Store.ListMessages(ctx, conv.ID)
	if err != nil {
		return nil, err
	}
	agents, err := h.Store.ListAgents(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	// Disabled agents cannot take work, unless they hold this conversation.
	active := agents[:0]
	for _, ag := range agents {
		if !ag.Disabled || ag.ID == conv.AssigneeID {
			ag.PasswordHash = ""
			active = append(active, ag)
		}
	}
	agents = active
	teams, err := h.Store.ListTeams(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	views := make([]msgView, 0, len(msgs))
	for _, m := range msgs {
		views = append(views, newMsgView(m, a))
	}
	var caps channel.Capabilities
	dmLink := ""
	if h.Registry != nil {
		if conn, ok := h.Registry.Get(conv.ChannelType); ok {
			caps = conn.Capabilities()
			if caps.DMLink != nil {
				if ch, err := h.Store.GetChannel(ctx, conv.ChannelID); err == nil {
					dmLink = caps.DMLink(ch)
				}
			}
		}
	}
	var windowClosed time.Time
	var humanAgent bool
	if caps.ReplyWindow > 0 && !conv.Public {
		if last, err := h.Store.LastInboundAt(ctx, conv.ID); err == nil && !last.IsZero() && time.Since(last) > caps.ReplyWindow {
			windowClosed = last.Add(caps.ReplyWindow)
			if ch, err := h.Store.GetChannel(ctx, conv.ChannelID); err == nil {
				var set struct {
					HumanAgent bool `json:"human_agent"`
				}
				json.Unmarshal(ch.Settings, &set)
				humanAgent = set.HumanAgent
			}
		}
	}
	saved, err := h.Inbox.SavedRepliesFor(ctx, a, conv)
	if err != nil {
		return nil, err
	}
	surveys, err := h.surveyViews(ctx, conv.ID)
	if err != nil {
		return nil, err
	}
	collab, err := h.loadCollab(ctx, a, conv)
	if err != nil {
		return nil, err
	}
	links, err := h.Inbox.LinkedConversations(ctx, a, conv.ID)
	if err != nil {
		return nil, err
	}
	return &convData{Surveys: surveys, Links: links, Collab: collab, Saved: saved, Caps: caps, DMLink: dmLink, WindowClosedAt: windowClosed, HumanAgent: humanAgent, Conv: conv, Messages: views, Agents: agents, Teams: teams, Me: a, CSRF: stateOf(r).session.CSRFToken, List: q}, nil
}

// showConversation shows one conversation beside the list it was opened
// from; for htmx and app.js it answers the conversation pane alone.
func (h *Handler) showConversation(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Vary", "HX-Request")
	q := parseListQuery(r.URL.Query())
	return h.respondConv(w, r, http.StatusOK, r.PathValue("id"), q, func(*convData) {})
}

// respondConv renders the conversation as a fragment or inside the inbox
// page; adjust sets an error or a draft before rendering.
func (h *Handler) respondConv(w http.ResponseWriter, r *http.Request, status int, id string, q listQuery, adjust func(*convData)) error {
	c, err := h.loadConv(r.Context(), r, id, q)
	if err != nil {
		return err
	}
	adjust(c)
	if isFragment(r) {
		return h.renderFragment(w, status, "inbox", "conv_view", c)
	}
	p, err := h.inboxPage(r, q, c.Conv.CustomerName)
	if err != nil {
		return err
	}
	p.Conv, p.ConvID, p.List.Selected = c, c.Conv.ID, c.Conv.ID
	return h.render(w, r, status, "inbox", p)
}

// msgView is a message as the viewer may see it, with its analysis as badges.
type msgView struct {
	model.Message
	Text   string // masked where the viewer may not see personal data
	Badges []badge
}

type badge struct{ Class, Label, Title string }

func newMsgView(m model.Message, viewer model.Agent) msgView {
	v := msgView{Message: m, Text: inbox.DisplayText(m, viewer)}
	if m.Direction != model.DirectionIn || len(m.Analysis) == 0 {
		return v
	}
	var a struct {
		Language  string `json:"language"`
		Sentiment struct {
			Compound float64 `json:"compound"`
			Label    string  `json:"label"`
		} `json:"sentiment"`
		Spam struct {
			Probability float64 `json:"probability"`
			Label       bool    `json:"label"`
		} `json:"spam"`
		Intent       string `json:"intent"`
		PersonalData []struct {
			Type string `json:"type"`
		} `json:"personal_data"`
		MovePrivate bool `json:"move_private"`
	}
	if json.Unmarshal(m.Analysis, &a) != nil {
		return v
	}
	if a.Sentiment.Label != "" {
		v.Badges = append(v.Badges, badge{"b-sent-" + a.Sentiment.Label, a.Sentiment.Label, fmt.Sprintf("Sentiment %.2f", a.Sentiment.Compound)})
	}
	if a.Intent != "" {
		v.Badges = append(v.Badges, badge{"b-intent", strings.ReplaceAll(a.Intent, "_", " "), "Intent"})
	}
	switch {
	case m.SpamVerdict == "spam":
		v.Badges = append(v.Badges, badge{"b-spam", "spam", "Marked spam by an agent"})
	case m.SpamVerdict == "" && a.Spam.Label:
		v.Badges = append(v.Badges, badge{"b-spam", "spam?", fmt.Sprintf("Spam probability %.0f%%", a.Spam.Probability*100)})
	}
	seen := map[string]bool{}
	for _, p := range a.PersonalData {
		if !seen[p.Type] {
			seen[p.Type] = true
			v.Badges = append(v.Badges, badge{"b-pii", "personal data: " + p.Type, "Personal data found in this message"})
		}
	}
	if a.MovePrivate {
		v.Badges = append(v.Badges, badge{"b-private", "move to private", "Public post with personal data: answer privately and hide the post where the platform allows"})
	}
	if a.Language != "" {
		v.Badges = append(v.Badges, badge{"b-lang", a.Language, "Language"})
	}
	return v
}
