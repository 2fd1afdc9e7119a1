package xtest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
)

// OAuth 2.0 Authorization Code Flow with PKCE
// (https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token):
// GET /i/oauth2/authorize approves at once (the emulated admin always
// consents) and redirects with state and code; POST /2/oauth2/token trades
// the code and the PKCE verifier for a bearer token (two hours) and, with
// offline.access, a refresh token. Token errors use the OAuth shape
// {"error","error_description"}.

// handleAuthorize is X's consent page, approving at once.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bad := func(msg string) { http.Error(w, msg, http.StatusBadRequest) }
	switch {
	case q.Get("response_type") != "code":
		bad("response_type must be code")
		return
	case q.Get("client_id") != s.ClientID:
		bad("unknown client_id")
		return
	case q.Get("redirect_uri") == "":
		bad("redirect_uri is required")
		return
	case q.Get("state") == "":
		bad("state is required")
		return
	case q.Get("code_challenge") == "":
		bad("code_challenge is required")
		return
	}
	method := q.Get("code_challenge_method")
	if method == "" {
		method = "plain"
	}
	if method != "S256" && method != "plain" {
		bad("code_challenge_method must be S256 or plain")
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		bad("bad redirect_uri")
		return
	}
	s.mu.Lock()
	code := randomToken(20)
	s.codes[code] = authCode{clientID: s.ClientID, redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), method: method, scope: q.Get("scope")}
	s.mu.Unlock()
	rq := redirect.Query()
	rq.Set("state", q.Get("state"))
	rq.Set("code", code)
	redirect.RawQuery = rq.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// handleToken is POST /2/oauth2/token (runs under s.mu).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(code, desc string) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		oauthErr("invalid_request", "Missing required parameter [grant_type].")
		return
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		oauthErr("invalid_request", "Unreadable body.")
		return
	}
	form, err := url.ParseQuery(string(b))
	if err != nil {
		oauthErr("invalid_request", "Malformed form body.")
		return
	}
	if form.Get("client_id") != s.ClientID {
		oauthErr("invalid_request", "Missing valid authorization header")
		return
	}
	var scope string
	switch form.Get("grant_type") {
	case "authorization_code":
		c, ok := s.codes[form.Get("code")]
		delete(s.codes, form.Get("code")) // single use
		if !ok || c.redirect != form.Get("redirect_uri") || !pkceOK(c, form.Get("code_verifier")) {
			oauthErr("invalid_request", "Value passed for the authorization code was invalid.")
			return
		}
		scope = c.scope
	case "refresh_token":
		sc, ok := s.refreshes[form.Get("refresh_token")]
		delete(s.refreshes, form.Get("refresh_token")) // rotated
		if !ok {
			oauthErr("invalid_request", "Value passed for the token was invalid.")
			return
		}
		scope = sc
	default:
		oauthErr("unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	}
	access := randomToken(24)
	s.tokens[access] = true
	resp := map[string]any{"token_type": "bearer", "expires_in": 7200, "access_token": access, "scope": scope}
	if strings.Contains(" "+scope+" ", " offline.access ") {
		refresh := randomToken(24)
		s.refreshes[refresh] = scope
		resp["refresh_token"] = refresh
	}
	writeJSON(w, http.StatusOK, resp)
}

func pkceOK(c authCode, verifier string) bool {
	if verifier == "" {
		return false
	}
	if c.method == "S256" {
		return S256(verifier) == c.challenge
	}
	return verifier == c.challenge
}
