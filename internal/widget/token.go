package widget

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/heed-dev/heed/internal/secret"
)

// Visitor tokens are stateless: a token is "<visitor id>.<mac>" where mac is
// HMAC-SHA256 keyed by the channel's secret over the channel id and visitor
// id. Nothing is stored per visitor; rotating the channel secret signs every
// visitor out (the script then starts a new session).

const tokenLabel = "heed-widget-visitor-v1"

// minSecretBytes refuses to sign with a channel secret too short to be one.
const minSecretBytes = 16

// newVisitorID returns a random visitor id (URL-safe, no dots).
func newVisitorID() string { return "v" + secret.RandomToken(18) }

func visitorMAC(channelSecret, channelID, visitorID string) []byte {
	m := hmac.New(sha256.New, []byte(channelSecret))
	m.Write([]byte(tokenLabel))
	m.Write([]byte{0})
	m.Write([]byte(channelID))
	m.Write([]byte{0})
	m.Write([]byte(visitorID))
	return m.Sum(nil)
}

// signVisitor returns the token proving visitorID on a channel.
func signVisitor(channelSecret, channelID, visitorID string) string {
	return visitorID + "." + base64.RawURLEncoding.EncodeToString(visitorMAC(channelSecret, channelID, visitorID))
}

// verifyVisitor returns the visitor id a token proves, or ok=false.
func verifyVisitor(channelSecret, channelID, token string) (visitorID string, ok bool) {
	if len(token) > 200 {
		return "", false
	}
	id, mac, found := strings.Cut(token, ".")
	if !found || !validVisitorID(id) {
		return "", false
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(mac)
	if err != nil {
		return "", false
	}
	if !hmac.Equal(got, visitorMAC(channelSecret, channelID, id)) {
		return "", false
	}
	return id, true
}

// validVisitorID accepts the ids newVisitorID makes: "v" and URL-safe base64.
func validVisitorID(id string) bool {
	if len(id) < 2 || len(id) > 64 || id[0] != 'v' {
		return false
	}
	return urlSafe(id)
}

// urlSafe reports whether s is made only of [A-Za-z0-9_-].
func urlSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
