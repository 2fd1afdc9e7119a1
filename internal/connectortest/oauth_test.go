package connectortest

import (
	"io"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/apptest"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/db"
)

// An admin connects the brand's X account with OAuth 2.0 + PKCE (the
// emulator plays X's consent screen); connecting again replaces the tokens of
// the same channel.
func TestConnectXAccount(t *testing.T) {
	emu := xtest.New()
	t.Cleanup(emu.Close)
	n := apptest.StartWith(t, db.SQLite, func(c *config.Config) {
		c.XClientID, c.XConsumerSecret, c.XAPIBase, c.XAuthorizeURL = emu.ClientID, emu.ConsumerSecret, emu.URL(), emu.URL()+"/i/oauth2/authorize"
	})
	browser := n.BrowserSession(t, n.Admin)
	connect := func() string {
		res, err := browser.Get(n.URL + "/admin/channels/x/connect")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("connect flow ended with %d: %s", res.StatusCode, body)
		}
		return res.Request.URL.RawQuery
	}
	if q := connect(); !strings.Contains(q, "connected=1") {
		t.Fatalf("first connect landed on ?%s", q)
	}
	chans, err := n.App.Store.ListChannels(t.Context(), n.Admin.WorkspaceID)
	if err != nil || len(chans) != 1 {
		t.Fatalf("%d channels (%v)", len(chans), err)
	}
	ch := chans[0]
	if ch.Type != "x" || ch.Name != "@"+emu.Brand.Username || ch.Credentials["user_id"] != emu.Brand.ID || ch.Credentials["access_token"] == "" {
		t.Fatalf("connected channel %+v", ch)
	}
	if q := connect(); !strings.Contains(q, "reconnected=1") {
		t.Fatalf("second connect landed on ?%s", q)
	}
	again, _ := n.App.Store.ListChannels(t.Context(), n.Admin.WorkspaceID)
	if len(again) != 1 || again[0].Credentials["access_token"] == ch.Credentials["access_token"] {
		t.Fatalf("reconnecting should replace the tokens of the one channel: %d channels", len(again))
	}
	// A callback that did not start here is refused.
	res, err := browser.Get(n.URL + "/oauth/x/callback?state=forged&code=x")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Fatalf("forged callback: %d", res.StatusCode)
	}
}
