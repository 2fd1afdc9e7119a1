package webtest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/demo"
)

// In `heed demo`, a Facebook comment appears live; the agent hides it and
// answers it privately, and the emulated Page shows both.
func TestDemoCommentHideAndPrivateReply(t *testing.T) {
	b := newBrowser(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.SecretKey, cfg.PollInterval = addr, t.TempDir(), "demo-browser-secret-0123456789", 200*time.Millisecond
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan demo.Handle, 1)
	var base string
	done := make(chan error, 1)
	go func() {
		done <- demo.Run(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), demo.Options{Password: "demo-password", Quiet: true,
			OnStart: func(u string, h demo.Handle) { base = u; started <- h }}, io.Discard)
	}()
	t.Cleanup(func() { cancel(); <-done })
	var h demo.Handle
	select {
	case h = <-started:
	case err := <-done:
		t.Fatalf("demo stopped: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("demo did not start")
	}

	b.login(base, demo.AdminEmail, "demo-password")
	b.until("the live stream", `document.body.classList.contains("live")`)
	eval[bool](b, `window.heedTestMarker = true`)

	commentID := h.Comment("Rita Rossi", "My card was charged twice for order 9921, please fix")
	b.until("the comment in the inbox", `document.querySelector("#conv-list").innerText.includes("charged twice for order 9921")`)
	if !eval[bool](b, `window.heedTestMarker === true`) {
		t.Fatal("the page reloaded to show the comment")
	}
	b.click("open it", "#conv-list .conv-row")
	b.do("the thread", chromedp.WaitVisible(chromedp.CSS("#thread .msg-in")))
	b.until("the Facebook channel's actions", `!!document.querySelector("#thread .msg-in .act-hide")`)
	b.click("hide it", "#thread .msg-in .act-hide")
	b.until("marked hidden", `document.querySelector("#thread .msg-in").innerText.includes("hidden from the public")`)
	b.do("answer privately",
		chromedp.Click(chromedp.CSS(`#reply-form input[name="private"]`)),
		chromedp.SendKeys(chromedp.CSS("#reply-text"), "Sorry Rita, we've sent you a private message to sort this out."),
		chromedp.Click(chromedp.CSS("#send-reply")),
	)
	b.until("the private reply sent", `[...document.querySelectorAll("#thread .msg-out")].some(m => m.innerText.includes("private message to sort") && m.innerText.includes("sent"))`)

	deadline := time.Now().Add(10 * time.Second)
	for {
		hidden := strings.Join(h.Hidden(), ",")
		var private bool
		for _, p := range h.PrivateReplies() {
			private = private || (p.CommentID == commentID && strings.Contains(p.Text, "sort this out"))
		}
		if strings.Contains(hidden, commentID) && private {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Page shows hidden=%v private replies=%+v", h.Hidden(), h.PrivateReplies())
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.checkClean()
}
