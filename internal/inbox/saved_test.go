package inbox

import (
	"testing"

	"github.com/heed-dev/heed/internal/model"
)

func TestExpandSavedReply(t *testing.T) {
	conv := model.Conversation{ID: "c1", CustomerName: "Ana Diaz", CustomerHandle: "@ana", ChannelName: "@AskAcme"}
	agent := model.Agent{Name: "Priya Kaur"}
	cases := []struct{ body, want string }{
		{"Hi {{customer.first_name}}!", "Hi Ana!"},
		{"{{ customer.name }} / {{customer.handle}}", "Ana Diaz / @ana"},
		{"^{{agent.first_name}} ({{agent.name}}) on {{channel.name}}, ref {{conversation.id}}", "^Priya (Priya Kaur) on @AskAcme, ref c1"},
		{"{{unknown.var}} stays", "{{unknown.var}} stays"},
		{"no variables", "no variables"},
		{"^{{agent.initials}}", "^PK"},
	}
	for _, c := range cases {
		if got := ExpandSavedReply(c.body, conv, agent); got != c.want {
			t.Errorf("%q → %q, want %q", c.body, got, c.want)
		}
	}
}
