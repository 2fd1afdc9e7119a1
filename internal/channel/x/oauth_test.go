package x_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/heed-dev/heed/internal/channel/x"
	"github.com/heed-dev/heed/internal/channel/x/xtest"
)

func TestCodeChallengeRFC7636(t *testing.T) {
	// RFC 7636 Appendix B.
	if got := x.CodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Fatalf("challenge %s", got)
	}
	v, err := x.NewVerifier()
	if err != nil || len(v) != 43 || strings.ContainsAny(v, "+/=") {
		t.Fatalf("verifier %q %v", v, err)
	}
	if x.CodeChallenge(v) != xtest.S256(v) {
		t.Fatal("connector and emulator disagree on S256")
	}
}

func TestAuthURL(t *testing.T) {
	u, err := url.Parse(x.AuthURL("cid", "https://heed.example/oauth/x", "st4te", "verifier-verifier-verifier-verifier-0123"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme+"://"+u.Host+u.Path != "https://x.com/i/oauth2/authorize" || q.Get("response_type") != "code" || q.Get("client_id") != "cid" ||
		q.Get("redirect_uri") != "https://heed.example/oauth/x" || q.Get("state") != "st4te" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") != x.CodeChallenge("verifier-verifier-verifier-verifier-0123") {
		t.Fatalf("auth URL %s", u)
	}
	for _, scope := range []string{"tweet.read", "tweet.write", "users.read", "dm.write", "like.write", "tweet.moderate.write", "offline.access"} {
		if !strings.Contains(" "+q.Get("scope")+" ", " "+scope+" ") {
			t.Errorf("scope %s missing from %q", scope, q.Get("scope"))
		}
	}
}

// authorize runs the browser leg against the emulator and returns the code.
func authorize(t *testing.T, s *xtest.Server, redirect, state, verifier string) string {
	t.Helper()
	u := x.AuthURLAt(s.URL()+"/i/oauth2/authorize", s.ClientID, redirect, state, verifier)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), redirect) || loc.Query().Get("state") != state || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %s", resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

func TestOAuthPKCEExchange(t *testing.T) {
	s := xtest.New()
	defer s.Close()
	ctx := context.Background()
	const redirect = "https://heed.example/oauth/x/callback"
	verifier, _ := x.NewVerifier()
	code := authorize(t, s, redirect, "s1", verifier)

	tok, err := x.ExchangeCode(ctx, s.URL(), s.ClientID, code, verifier, redirect)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.TokenType != "bearer" || tok.ExpiresIn != 7200 || tok.Expiry.IsZero() ||
		!strings.Contains(tok.Scope, "offline.access") {
		t.Fatalf("token %+v", tok)
	}
	me, err := x.LookupMe(ctx, s.URL(), tok.AccessToken)
	if err != nil || me.ID != s.Brand.ID || me.Username != s.Brand.Username {
		t.Fatalf("users/me = %+v, %v", me, err)
	}
	// The new token works on the API.
	ch := s.Channel()
	ch.Credentials[x.CredAccessToken] = tok.AccessToken
	if _, _, err := x.New(x.Options{}).Poll(ctx, ch, ""); err != nil {
		t.Fatalf("poll with the exchanged token: %v", err)
	}

	// A code is single-use.
	if _, err := x.ExchangeCode(ctx, s.URL(), s.ClientID, code, verifier, redirect); classOf(err) != "permanent" {
		t.Errorf("code reuse: %v", err)
	}
	// The wrong verifier (S256 mismatch), the wrong redirect, the wrong client.
	for name, f := range map[string]func(code string) error{
		"verifier": func(c string) error {
			_, err := x.ExchangeCode(ctx, s.URL(), s.ClientID, c, verifier+"x", redirect)
			return err
		},
		"redirect": func(c string) error {
			_, err := x.ExchangeCode(ctx, s.URL(), s.ClientID, c, verifier, redirect+"/other")
			return err
		},
		"client": func(c string) error {
			_, err := x.ExchangeCode(ctx, s.URL(), "someone-else", c, verifier, redirect)
			return err
		},
	} {
		err := f(authorize(t, s, redirect, "s2", verifier))
		if classOf(err) != "permanent" || !strings.Contains(err.Error(), "answered 400") {
			t.Errorf("wrong %s: %v", name, err)
		}
	}

	// Refresh: a new pair, the old refresh token is spent.
	fresh, err := x.RefreshToken(ctx, s.URL(), s.ClientID, tok.RefreshToken)
	if err != nil || fresh.AccessToken == "" || fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh = %+v, %v", fresh, err)
	}
	if _, err := x.RefreshToken(ctx, s.URL(), s.ClientID, tok.RefreshToken); classOf(err) != "permanent" {
		t.Errorf("spent refresh token: %v", err)
	}
	if _, err := x.LookupMe(ctx, s.URL(), "nope"); classOf(err) != "unauthorized" {
		t.Errorf("users/me with a bad token: %v", err)
	}
	// The token endpoint down: retried, not permanent.
	s.FailNext(xtest.EndpointToken, 503, "Service Unavailable")
	if _, err := x.RefreshToken(ctx, s.URL(), s.ClientID, fresh.RefreshToken); classOf(err) != "retry" {
		t.Errorf("503 on refresh: %v", err)
	}
}
