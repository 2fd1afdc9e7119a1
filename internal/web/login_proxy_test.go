package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/heed-dev/heed/internal/clientip"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/web"
)

// TestLoginTrustedProxies: the login limit's per-address key follows
// X-Forwarded-For only when the peer is a trusted proxy (HEED_TRUSTED_PROXIES).
// The test server's peer is always 127.0.0.1, playing the proxy.
func TestLoginTrustedProxies(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		// fail posts a wrong password for a fresh unknown email (so only the
		// address key counts) as the client behind xff.
		fail := func(c *client, token, email, xff string) response {
			return c.post("/login", url.Values{"csrf": {token}, "email": {email}, "password": {"wrong password"}},
				"X-Forwarded-For", xff)
		}
		login := func(c *client, token, email, xff string) response {
			return c.post("/login", url.Values{"csrf": {token}, "email": {email}, "password": {testPassword}},
				"X-Forwarded-For", xff)
		}

		t.Run("trusted proxy: clients limited separately", func(t *testing.T) {
			prefixes, err := clientip.ParsePrefixes("127.0.0.1, ::1")
			if err != nil {
				t.Fatal(err)
			}
			e := newEnvWith(t, d, func(deps *web.Deps) { deps.ClientIP = clientip.New(prefixes) })
			_, admin := e.workspace("Proxied")
			c := e.client()
			token := c.formToken("/login")

			// Client A uses up its two failures (the limit is 2)…
			fail(c, token, "a1@nowhere.test", "203.0.113.1").mustStatus(t, http.StatusUnauthorized, "A fails once")
			fail(c, token, "a2@nowhere.test", "203.0.113.1").mustStatus(t, http.StatusUnauthorized, "A fails twice")
			login(c, token, admin.Email, "203.0.113.1").
				mustStatus(t, http.StatusTooManyRequests, "A limited").mustContain(t, "A limited", "Too many failed sign-in attempts")
			// …and cannot get a fresh key by prepending an address: the
			// rightmost untrusted entry is the one the proxy saw.
			login(c, token, admin.Email, "198.51.100.77, 203.0.113.1").
				mustStatus(t, http.StatusTooManyRequests, "A with a spoofed left entry")
			// An address behind a second trusted hop is still A.
			login(c, token, admin.Email, "203.0.113.1, 127.0.0.1").
				mustStatus(t, http.StatusTooManyRequests, "A through two trusted hops")

			// Client B, through the same proxy, is not affected.
			fail(c, token, "b1@nowhere.test", "203.0.113.2").mustStatus(t, http.StatusUnauthorized, "B fails once")
			login(c, token, admin.Email, "203.0.113.2").mustStatus(t, http.StatusSeeOther, "B signs in")

			// A malformed header counts against the proxy itself, not a
			// client of the sender's choosing.
			other := e.client()
			token = other.formToken("/login")
			fail(other, token, "m1@nowhere.test", "not-an-ip").mustStatus(t, http.StatusUnauthorized, "malformed once")
			fail(other, token, "m2@nowhere.test", "still, not an ip").mustStatus(t, http.StatusUnauthorized, "malformed twice")
			fail(other, token, "m3@nowhere.test", "").mustStatus(t, http.StatusTooManyRequests, "peer limited")
			login(other, token, admin.Email, "203.0.113.3").mustStatus(t, http.StatusSeeOther, "C still signs in")
		})

		t.Run("no trusted proxies: X-Forwarded-For changes nothing", func(t *testing.T) {
			e := newEnv(t, d)
			_, admin := e.workspace("Direct")
			c := e.client()
			token := c.formToken("/login")

			fail(c, token, "a1@nowhere.test", "203.0.113.1").mustStatus(t, http.StatusUnauthorized, "fails once")
			fail(c, token, "a2@nowhere.test", "203.0.113.2").mustStatus(t, http.StatusUnauthorized, "fails twice")
			login(c, token, admin.Email, "203.0.113.3").
				mustStatus(t, http.StatusTooManyRequests, "a fresh X-Forwarded-For is the same peer")
		})
	})
}
