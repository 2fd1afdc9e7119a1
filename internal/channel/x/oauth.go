package x

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/channel"
)

// OAuth 2.0 Authorization Code Flow with PKCE, the way a brand connects its
// account (https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token,
// https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code).
// Heed acts as a public client (the client id in the form, no secret).

// AuthorizeURL is where the admin approves Heed (the xdk's default
// authorization base is https://x.com/i).
const AuthorizeURL = "https://x.com/i/oauth2/authorize"

// Scopes Heed asks for: read and answer posts, hide replies, like, direct
// messages, read the account, and a refresh token (access tokens last two
// hours without offline.access).
var Scopes = []string{
	"tweet.read", "tweet.write", "tweet.moderate.write", "users.read",
	"like.read", "like.write", "dm.read", "dm.write", "offline.access",
}

// Token is the token endpoint's answer.
type Token struct {
	TokenType    string `json:"token_type"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
	ExpiresIn    int64  `json:"expires_in"`
	// Expiry is computed from ExpiresIn when the token is received.
	Expiry time.Time `json:"-"`
}

// NewVerifier returns a random PKCE code verifier (43 characters of
// base64url, RFC 7636 §4.1).
func NewVerifier() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("x: pkce verifier: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// CodeChallenge is the S256 challenge of a verifier:
// BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2).
func CodeChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// AuthURL is the URL the admin's browser opens to approve Heed; X sends it
// back to redirect with ?state=…&code=….
func AuthURL(clientID, redirect, state, verifier string) string {
	return AuthURLAt(AuthorizeURL, clientID, redirect, state, verifier)
}

// AuthURLAt is AuthURL against another authorize endpoint (the emulator's).
func AuthURLAt(authorize, clientID, redirect, state, verifier string) string {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {redirect},
		"scope":                 {strings.Join(Scopes, " ")},
		"state":                 {state},
		"code_challenge":        {CodeChallenge(verifier)},
		"code_challenge_method": {"S256"},
	}
	return authorize + "?" + q.Encode()
}

// oauthClient makes the token calls.
var oauthClient = &http.Client{Timeout: 15 * time.Second}

// ExchangeCode trades the authorization code for tokens at
// {base}/2/oauth2/token (base is the API base, DefaultAPIBase in
// production). A refused code wraps channel.ErrPermanent with X's
// error_description.
func ExchangeCode(ctx context.Context, base, clientID, code, verifier, redirect string) (Token, error) {
	return tokenRequest(ctx, base, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {redirect},
		"code_verifier": {verifier},
		"client_id":     {clientID},
	})
}

// RefreshToken trades a refresh token (from the offline.access scope) for a
// new token pair; X rotates the refresh token.
func RefreshToken(ctx context.Context, base, clientID, refresh string) (Token, error) {
	return tokenRequest(ctx, base, url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refresh},
		"client_id":     {clientID},
	})
}

func tokenRequest(ctx context.Context, base string, form url.Values) (Token, error) {
	if base == "" {
		base = DefaultAPIBase
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/2/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return Token{}, fmt.Errorf("x: token request: %v: %w", err, channel.ErrPermanent)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Heed/1")
	resp, err := oauthClient.Do(req)
	if err != nil {
		return Token{}, fmt.Errorf("x: token request: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Token{}, fmt.Errorf("x: token answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		reason := ParseProblem(data).Reason()
		if reason == "" {
			reason = http.StatusText(resp.StatusCode)
		}
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return Token{}, fmt.Errorf("x: token endpoint answered %d: %s", resp.StatusCode, reason)
		}
		return Token{}, fmt.Errorf("x: token endpoint answered %d: %s: %w", resp.StatusCode, reason, channel.ErrPermanent)
	}
	var t Token
	if err := json.Unmarshal(data, &t); err != nil || t.AccessToken == "" {
		return Token{}, fmt.Errorf("x: token endpoint answered without an access token")
	}
	if t.ExpiresIn > 0 {
		t.Expiry = time.Now().Add(time.Duration(t.ExpiresIn) * time.Second).UTC()
	}
	return t, nil
}

// Me is the account a token belongs to (GET /2/users/me): what to store as
// the channel's user_id and handle after connecting.
type Me struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

// LookupMe asks X whose token this is.
func LookupMe(ctx context.Context, base, accessToken string) (Me, error) {
	if base == "" {
		base = DefaultAPIBase
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/2/users/me", nil)
	if err != nil {
		return Me{}, fmt.Errorf("x: users/me: %v: %w", err, channel.ErrPermanent)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("User-Agent", "Heed/1")
	resp, err := oauthClient.Do(req)
	if err != nil {
		return Me{}, fmt.Errorf("x: users/me: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Me{}, fmt.Errorf("x: users/me: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return Me{}, fmt.Errorf("x: users/me: %s: %w", ParseProblem(data).Reason(), channel.ErrUnauthorized)
	case resp.StatusCode != http.StatusOK:
		return Me{}, fmt.Errorf("x: users/me answered %d: %s", resp.StatusCode, ParseProblem(data).Reason())
	}
	var out struct {
		Data Me `json:"data"`
	}
	if err := json.Unmarshal(data, &out); err != nil || !validID(out.Data.ID) {
		return Me{}, fmt.Errorf("x: users/me answered without a user id")
	}
	return out.Data, nil
}
