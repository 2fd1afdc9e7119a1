package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/channel/x"
	"github.com/heed-dev/heed/internal/secret"
)

// XOAuth is the X app that connects brands' X accounts.
type XOAuth struct {
	ClientID       string
	ConsumerSecret string // signs X's webhooks
	APIBase        string // "" for X itself
	AuthorizeURL   string // "" for X itself
}

const xOAuthCookie = "heed_oauth_x"

func (h *Handler) xRedirect() string { return h.BaseURL + "/oauth/x/callback" }

// connectX starts connecting an X account: OAuth 2.0 authorization code
// with PKCE; the state and verifier wait in a short-lived cookie.
func (h *Handler) connectX(w http.ResponseWriter, r *http.Request) error {
	if h.X == nil || h.X.ClientID == "" {
		return httpError(http.StatusNotFound, "No X app is configured (HEED_X_CLIENT_ID).")
	}
	verifier, err := x.NewVerifier()
	if err != nil {
		return err
	}
	state := secret.RandomToken(16)
	http.SetCookie(w, &http.Cookie{Name: xOAuthCookie, Value: state + "." + verifier, Path: "/oauth/x", MaxAge: 600,
		HttpOnly: true, Secure: h.SecureCookie, SameSite: http.SameSiteLaxMode})
	authorize := h.X.AuthorizeURL
	if authorize == "" {
		authorize = x.AuthorizeURL
	}
	http.Redirect(w, r, x.AuthURLAt(authorize, h.X.ClientID, h.xRedirect(), state, verifier), http.StatusSeeOther)
	return nil
}

// xCallback finishes connecting: it exchanges the code, looks the account
// up and creates its channel — or, for an account already connected,
// replaces its tokens (reconnecting keeps the history).
func (h *Handler) xCallback(w http.ResponseWriter, r *http.Request) error {
	if h.X == nil || h.X.ClientID == "" {
		return errNotFound
	}
	c, err := r.Cookie(xOAuthCookie)
	state, verifier, ok := strings.Cut(func() string {
		if err != nil {
			return ""
		}
		return c.Value
	}(), ".")
	if !ok || r.URL.Query().Get("state") != state || state == "" {
		return httpError(http.StatusBadRequest, "This X connection attempt expired or did not start here. Try again.")
	}
	http.SetCookie(w, &http.Cookie{Name: xOAuthCookie, Value: "", Path: "/oauth/x", MaxAge: -1, HttpOnly: true})
	if e := r.URL.Query().Get("error"); e != "" {
		return httpError(http.StatusBadRequest, "X did not connect the account: "+e)
	}
	tok, err := x.ExchangeCode(r.Context(), h.X.APIBase, h.X.ClientID, r.URL.Query().Get("code"), verifier, h.xRedirect())
	if err != nil {
		return httpError(http.StatusBadGateway, "X refused the connection: "+err.Error())
	}
	acct, err := x.LookupMe(r.Context(), h.X.APIBase, tok.AccessToken)
	if err != nil {
		return httpError(http.StatusBadGateway, "Could not read the X account: "+err.Error())
	}
	creds := map[string]string{x.CredAccessToken: tok.AccessToken, "refresh_token": tok.RefreshToken, x.CredUserID: acct.ID,
		x.CredHandle: acct.Username, x.CredConsumerSecret: h.X.ConsumerSecret, "connected_at": time.Now().UTC().Format(time.RFC3339)}
	ws := me(r).WorkspaceID
	chans, err := h.Store.ListChannels(r.Context(), ws)
	if err != nil {
		return err
	}
	for _, ch := range chans {
		if ch.Type == x.Type && ch.Credentials[x.CredUserID] == acct.ID {
			if err := h.Store.SetChannelCredentials(r.Context(), ws, ch.ID, creds); err != nil {
				return err
			}
			http.Redirect(w, r, "/admin/channels?reconnected=1", http.StatusSeeOther)
			return nil
		}
	}
	settings, _ := json.Marshal(map[string]string{"api_base": h.X.APIBase})
	if _, err := h.Accounts.CreateChannel(r.Context(), accounts.NewChannel{WorkspaceID: ws, Type: x.Type, Name: "@" + acct.Username,
		Settings: settings, Credentials: creds}); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/channels?connected=1", http.StatusSeeOther)
	return nil
}
