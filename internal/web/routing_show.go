package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/inbound"
	"github.com/heed-dev/heed/internal/routing"
)

// routingPage edits the workspace's routing rules (JSON) and tests them
// against a sample post: "which rules would fire?".
type routingPage struct {
	base
	Rules    string
	Problems []routing.Problem
	Error    string
	Sample   routingSample
	Tested   bool
	Outcome  routing.Outcome
	Trace    []routing.RuleTrace
	Fields   []string
}

type routingSample struct {
	Text        string
	ChannelType string
	Public      bool
	Followers   int64
}

func (h *Handler) routingPage(r *http.Request) (routingPage, error) {
	raw, _, err := h.Store.GetRoutingRules(r.Context(), me(r).WorkspaceID)
	if err != nil {
		return routingPage{}, err
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, raw, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(raw)
	}
	return routingPage{base: h.base(r, "Routing", "routing"), Rules: pretty.String(), Fields: routing.Fields(),
		Sample: routingSample{ChannelType: "api", Public: true}}, nil
}

// showRouting shows the rules editor.
func (h *Handler) showRouting(w http.ResponseWriter, r *http.Request) error {
	p, err := h.routingPage(r)
	if err != nil {
		return err
	}
	p.Flash = adminFlash(r)
	return h.render(w, r, http.StatusOK, "admin_routing", p)
}

func problemsOf(err error) []routing.Problem {
	var ve *routing.ValidationError
	if errors.As(err, &ve) {
		return ve.Problems
	}
	return []routing.Problem{{Path: "rules", Message: err.Error()}}
}

// saveRouting validates and stores the rules; problems are shown with their path.
func (h *Handler) saveRouting(w http.ResponseWriter, r *http.Request) error {
	p, err := h.routingPage(r)
	if err != nil {
		return err
	}
	p.Rules = r.PostFormValue("rules")
	if _, err := routing.CompileJSON([]byte(p.Rules)); err != nil {
		p.Problems = problemsOf(err)
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_routing", p)
	}
	ws := me(r).WorkspaceID
	if err := h.Store.SaveRoutingRules(r.Context(), ws, json.RawMessage(p.Rules)); err != nil {
		return err
	}
	if h.Router != nil {
		h.Router.Forget(ws)
	}
	http.Redirect(w, r, "/admin/routing?saved=1", http.StatusSeeOther)
	return nil
}

// testRouting explains the rules in the editor against a sample post,
// analysed as an inbound post would be.
func (h *Handler) testRouting(w http.ResponseWriter, r *http.Request) error {
	p, err := h.routingPage(r)
	if err != nil {
		return err
	}
	p.Rules = r.PostFormValue("rules")
	followers, _ := strconv.ParseInt(r.PostFormValue("followers"), 10, 64)
	p.Sample = routingSample{Text: r.PostFormValue("text"), ChannelType: r.PostFormValue("channel_type"), Public: r.PostFormValue("public") != "", Followers: followers}
	set, err := routing.CompileJSON([]byte(p.Rules))
	if err != nil {
		p.Problems = problemsOf(err)
		return h.render(w, r, http.StatusUnprocessableEntity, "admin_routing", p)
	}
	it := &inbound.Item{}
	it.Channel.Type = p.Sample.ChannelType
	it.Msg.Text, it.Msg.Public, it.Msg.Author.Followers = p.Sample.Text, p.Sample.Public, followers
	if h.Analyzer != nil {
		res := h.Analyzer.Analyze(r.Context(), analyze.Input{Text: p.Sample.Text, Public: p.Sample.Public, Followers: followers})
		it.Result = &res
	}
	facts := inbound.FactsOf(it, true)
	p.Tested, p.Outcome, p.Trace = true, set.Evaluate(facts), set.Explain(facts)
	return h.render(w, r, http.StatusOK, "admin_routing", p)
}

// setAvailability lets an agent go online, away or offline (auto-assignment
// gives work only to online agents).
func (h *Handler) setAvailability(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue("availability")
	switch v {
	case routing.Online, routing.Away, routing.Offline:
	default:
		return httpError(http.StatusBadRequest, "Availability is online, away or offline.")
	}
	if err := h.Store.SetAvailability(r.Context(), me(r).ID, v); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}
