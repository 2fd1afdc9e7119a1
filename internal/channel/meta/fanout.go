package meta

import "github.com/heed-dev/heed/internal/model"

// Concerns reports whether a verified delivery names ch's Page or Instagram
// account (channel.FanOut).
func (b base) Concerns(ch model.Channel, body []byte) bool {
	object, ids, err := Accounts(body)
	return err == nil && Concerns(ch, object, ids)
}

// SameApp reports whether two channels belong to the same Meta app: a
// delivery signed with one's app secret is genuine for the other.
func (base) SameApp(a, b model.Channel) bool {
	return a.Credentials[CredAppSecret] != "" && a.Credentials[CredAppSecret] == b.Credentials[CredAppSecret]
}
