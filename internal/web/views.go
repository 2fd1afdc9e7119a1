package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

// pages are the page templates; each gets its own set made of the layout,
// every partial and the page file (templates/<name>.html). New fails when
// one is missing or does not parse, so a broken template never ships.
var pages = []string{
	"setup", "login", "inbox", "error",
	"admin_agents", "admin_teams", "admin_channels", "admin_tokens", "admin_routing", "admin_kb",
	"approvals", "admin_compose", "listening",
	"reports", "reports_conversations", "live_board",
	"admin_survey",
}

type views struct {
	sets map[string]*template.Template
}

func parseViews(fsys fs.FS, a *assets) (*views, error) {
	funcs := template.FuncMap{
		"asset":          a.url,
		"hasAsset":       a.has,
		"reltime":        relTime,
		"isotime":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"abstime":        func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") },
		"dur":            formatSeconds,
		"handle":         formatHandle,
		"statuses":       func() []string { return statuses },
		"sentiments":     func() []string { return sentimentChoices },
		"slaDue":         slaDue,
		"pct":            func(f float64) float64 { return f * 100 },
		"windowSeconds":  func(d time.Duration) *int64 { v := int64(d.Seconds()); return &v },
		"availabilities": func() []string { return []string{"online", "away", "offline"} },
		"toJSON":         func(v any) string { b, _ := json.Marshal(v); return string(b) },
		"intents":        func() []string { return intentChoices },
		"intentLabel":    func(s string) string { return strings.ReplaceAll(s, "_", " ") },
		"roles":          func() []model.Role { return roleChoices },
	}
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	v := &views{sets: map[string]*template.Template{}}
	for _, p := range pages {
		files := append([]string{"layout.html"}, partials...)
		files = append(files, p+".html")
		t, err := template.New(p).Funcs(funcs).ParseFS(fsys, files...)
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", p, err)
		}
		for _, name := range []string{"layout", "title", "content"} {
			if t.Lookup(name) == nil {
				return nil, fmt.Errorf("web: template %s defines no %q", p, name)
			}
		}
		v.sets[p] = t
	}
	return v, nil
}

// base is what the layout needs on every page.
type base struct {
	Title     string
	Me        *model.Agent // nil on public pages
	Admin     bool
	Workspace string
	CSRF      string
	Nav       string // which top-level link is current
	ConvID    string // the open conversation, for app.js
	Live      bool   // the page follows the live event stream
	Flash     string
}

// render writes a whole page (status, then the layout of the page's set).
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) error {
	return h.execute(w, status, page, "layout", data)
}

// renderFragment writes one named template of a page's set: what htmx and
// app.js swap into the page.
func (h *Handler) renderFragment(w http.ResponseWriter, status int, page, name string, data any) error {
	return h.execute(w, status, page, name, data)
}

func (h *Handler) execute(w http.ResponseWriter, status int, page, name string, data any) error {
	t := h.views.sets[page]
	if t == nil {
		return fmt.Errorf("web: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("web: render %s/%s: %w", page, name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return errClientGone(err)
}

// isFragment tells a request from htmx or app.js, which wants a fragment,
// from a page load (including htmx's history restore, which needs a page).
func isFragment(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

var statuses = []string{model.StatusNew, model.StatusAcknowledged, model.StatusWaiting, model.StatusResolved}

// relTime is a compact age ("now", "5m", "3h", "2d", then a date); app.js
// keeps it current with the same rules.
func relTime(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	case d < 7*24*time.Hour:
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	case t.Year() == time.Now().Year():
		return t.UTC().Format("2 Jan")
	}
	return t.UTC().Format("2 Jan 2006")
}

// formatSeconds renders a duration in seconds for people: "45s", "3m 05s",
// "2h 04m", "3d 4h".
func formatSeconds(v any) string {
	var s int64
	switch x := v.(type) {
	case int64:
		s = x
	case *int64:
		if x == nil {
			return "—"
		}
		s = *x
	case int:
		s = int64(x)
	default:
		return "—"
	}
	if s < 0 {
		s = 0
	}
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm %02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh %02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd %dh", s/86400, s%86400/3600)
}

func formatHandle(h string) string {
	h = strings.TrimSpace(h)
	if h == "" || strings.HasPrefix(h, "@") {
		return h
	}
	return "@" + h
}

// slaBadge is the countdown of a conversation's open response clock.
type slaBadge struct {
	Class string // sla-ok, sla-warn, sla-breached
	Text  string
	Due   string // RFC 3339; app.js counts down to it
	Warn  string
}

// slaDue describes the open response clock (first or next response) of a
// conversation, or a plain "breached" mark once a breach happened and no
// clock runs; nil when there is nothing to show.
func slaDue(c model.Conversation) *slaBadge {
	due, warn := c.FirstResponseDueAt, c.FirstResponseWarnAt
	if due == nil {
		due, warn = c.NextResponseDueAt, c.NextResponseWarnAt
	}
	if due == nil || c.Status == model.StatusResolved {
		if c.SLABreached {
			return &slaBadge{Class: "sla-breached", Text: "SLA breached"}
		}
		return nil
	}
	now := time.Now()
	b := &slaBadge{Class: "sla-ok", Due: due.UTC().Format(time.RFC3339)}
	if warn != nil {
		b.Warn = warn.UTC().Format(time.RFC3339)
		if !now.Before(*warn) {
			b.Class = "sla-warn"
		}
	}
	left := due.Sub(now).Round(time.Second)
	if left <= 0 {
		b.Class, b.Text = "sla-breached", "SLA breached"
	} else {
		b.Text = "reply in " + formatLeft(left)
	}
	return b
}

func formatLeft(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
	}
}
