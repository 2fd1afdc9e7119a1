package widget

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
)

//go:embed assets/widget.js assets/demo.html
var assets embed.FS

var (
	widgetJS = mustRead("assets/widget.js")
	demoPage = template.Must(template.ParseFS(assets, "assets/demo.html"))
)

// configMarker is where the script receives its configuration.
const configMarker = "/*HEED_CONFIG*/null"

func mustRead(name string) []byte {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	if name == "assets/widget.js" && !bytes.Contains(b, []byte(configMarker)) {
		panic("widget: widget.js lacks " + configMarker)
	}
	return b
}

// scriptConfig is handed to the script. The script prefers the address it
// was itself loaded from (document.currentScript) over base, so it works
// behind any host name; base is the fallback.
type scriptConfig struct {
	Channel string `json:"channel"`
	Base    string `json:"base"`
}

// serveScript serves /widget/{channel_id}.js: the embedded script with the
// channel's configuration templated in as JSON (encoding/json escapes <, >
// and &, and the values are ids and a URL, so nothing can break out).
func (h *Handler) serveScript(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("script"), ".js")
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "no such widget", "")
		return
	}
	ch, ok := h.channelByID(w, r, id)
	if !ok {
		return
	}
	cfg, err := json.Marshal(scriptConfig{Channel: ch.ID, Base: h.BaseURL})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	body := bytes.Replace(widgetJS, []byte(configMarker), cfg, 1)
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(body)
}

// showDemo serves a page that embeds the widget the way a brand's site does,
// with the snippet to copy.
func (h *Handler) showDemo(w http.ResponseWriter, r *http.Request) {
	ch, ok := h.channel(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	err := demoPage.Execute(&buf, map[string]string{
		"Name":      ch.Name,
		"ScriptURL": "/widget/" + ch.ID + ".js",
		"Snippet":   Snippet(h.BaseURL, ch.ID),
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.Write(buf.Bytes())
}
