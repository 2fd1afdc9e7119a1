package realtime

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// SSEOptions bound a stream.
type SSEOptions struct {
	Ping        time.Duration // keep-alive comment interval
	MaxLifetime time.Duration // the browser reconnects after this
}

// ServeSSE streams events to w until the client leaves, the stream reaches its
// lifetime, or events closes.
func ServeSSE(w http.ResponseWriter, r *http.Request, events <-chan Event, o SSEOptions) {
	if o.Ping <= 0 {
		o.Ping = 25 * time.Second
	}
	if o.MaxLifetime <= 0 {
		o.MaxLifetime = 30 * time.Minute
	}
	rc := http.NewResponseController(w)
	// The server's write timeout must not cut a long-lived stream.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	if err := rc.Flush(); err != nil {
		return
	}
	ping := time.NewTicker(o.Ping)
	defer ping.Stop()
	life := time.NewTimer(o.MaxLifetime)
	defer life.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-life.C:
			return
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		case e, ok := <-events:
			if !ok {
				return
			}
			data, _ := json.Marshal(e)
			if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Type, data); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
