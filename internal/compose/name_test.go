package compose

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestWrongName(t *testing.T) {
	c := checker(t)
	ana := Customer{Name: "Ana Diaz", Handle: "@ana_d"}
	withOthers := Customer{Name: "Ana Diaz", Handle: "@ana_d", OtherNames: []string{"Maria Lopez", "@mlopez"}}
	cases := []struct {
		name     string
		text     string
		customer Customer
		agent    string
		want     []string // flagged text→fix
	}{
		{name: "right first name", text: "Hi Ana, your order shipped today.", customer: ana},
		{name: "wrong first name", text: "Hi Maria, your order shipped today.", customer: ana, want: []string{"Maria→Ana"}},
		{name: "accent and case insensitive", text: "hola ANA, tu pedido ya salió.", customer: Customer{Name: "Ána Díaz"}},
		{name: "accented customer, plain greeting", text: "Hello Jose!", customer: Customer{Name: "José García"}},
		{name: "thanks then vocative right", text: "Thanks for waiting, Ana.", customer: ana},
		{name: "thanks then vocative wrong", text: "Thanks for waiting, Maria!", customer: ana, want: []string{"Maria→Ana"}},
		{name: "vocative mid reply", text: "Your refund is on its way. Hope this helps, Maria!", customer: ana, want: []string{"Maria→Ana"}},
		{name: "greeting by handle", text: "Hey @ana_d, good news!", customer: ana},
		{name: "greeting by other handle", text: "Hey @maria_x, good news!", customer: ana, want: []string{"@maria_x→Ana"}},
		{name: "name from the handle", text: "Hi Ana!", customer: Customer{Handle: "@anadiaz88"}},
		{name: "short form", text: "Hi Chris, all set.", customer: Customer{Name: "Christopher Lee"}},
		{name: "family name with title", text: "Dear Ms Diaz, thank you.", customer: ana},
		{name: "wrong family name with title", text: "Dear Mr Smith, thank you.", customer: ana, want: []string{"Smith→Ana"}},
		{name: "greeting word then no name", text: "Hi there! Thanks for reaching out.", customer: ana},
		{name: "greeting then thanks", text: "Hello, thanks for your patience.", customer: ana},
		{name: "greeting then sentence", text: "Hey! Just checking in.", customer: ana},
		{name: "team greeting", text: "Hi everyone, the outage is over.", customer: ana},
		{name: "leading name right", text: "Ana, I'm sorry about this.", customer: ana},
		{name: "leading adverb", text: "Unfortunately, the item is gone. Sadly, yes.", customer: ana},
		{name: "sign-off is the agent", text: "Your order is on its way. Thanks, Mike", customer: ana},
		{name: "agent name anywhere", text: "Hi Ana, Mike here. Have a great day, Mike!", customer: ana, agent: "Mike Ross"},
		{name: "weekday after comma", text: "Thank you, it ships on Friday, Monday at the latest.", customer: ana},
		{name: "other person named", text: "Hi Ana, as Maria said, it is fixed.", customer: withOthers, want: []string{"Maria→Ana"}},
		{name: "other person greeted", text: "Hi Maria, it is fixed.", customer: withOthers, want: []string{"Maria→Ana"}},
		{name: "other person's handle", text: "Thanks @mlopez for the report.", customer: withOthers, want: []string{"@mlopez→Ana"}},
		{name: "unknown customer, any name", text: "Hi Maria, it is fixed.", customer: Customer{Handle: "115822"}},
		{name: "unknown customer, other person", text: "Hi Maria, it is fixed.", customer: Customer{OtherNames: []string{"Maria"}}, want: []string{"Maria"}},
		{name: "two people with the same name", text: "Hi Ana!", customer: Customer{Name: "Ana Diaz", OtherNames: []string{"Ana Ruiz"}}},
		{name: "leading handles", text: "@ana_d @AskAcme Hi Ana, fixed.", customer: ana},
		{name: "Spanish greeting", text: "Hola María, gracias.", customer: ana, want: []string{"María→Ana"}},
		{name: "French greeting", text: "Bonjour Ana, merci.", customer: ana},
		{name: "German greeting", text: "Hallo Maria, danke.", customer: ana, want: []string{"Maria→Ana"}},
		{name: "lowercase name of someone else", text: "hi maria, done.", customer: withOthers, want: []string{"maria→Ana"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := run1(c, Input{Text: tc.text, Customer: tc.customer, AgentName: tc.agent, Language: "en"}, CheckWrongName)
			var got []string
			for _, w := range ws {
				s := tc.text[w.Start:w.End]
				if w.Fix != "" {
					s += "→" + w.Fix
				}
				got = append(got, s)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%q: got %q, want %q (%+v)", tc.text, got, tc.want, ws)
			}
		})
	}
}

// TestWrongNameLeading: a capitalised word before a comma opening the reply is a name only
// when the dictionary does not know it ("Sadly," is not), so this needs the dictionary.
func TestWrongNameLeading(t *testing.T) {
	c := needDict(t, "en")
	ana := Customer{Name: "Ana Diaz"}
	for text, want := range map[string]int{
		"Zelda, I'm sorry about this.": 1, "Sadly, the item is gone.": 0, "Ana, I'm sorry.": 0, "Yesterday, it shipped.": 0,
	} {
		if ws := run1(c, Input{Text: text, Customer: ana, Language: "en"}, CheckWrongName); len(ws) != want {
			t.Errorf("%q: got %+v, want %d warnings", text, ws, want)
		}
	}
}

func TestWrongNameFix(t *testing.T) {
	for _, tc := range []struct {
		cu   Customer
		want string
	}{
		{Customer{Name: "Ana Diaz", FirstName: "Anita"}, "Anita"},
		{Customer{Name: "Ana Diaz"}, "Ana"},
		{Customer{Handle: "ana_d"}, "@ana_d"},
		{Customer{}, ""},
	} {
		if got := firstName(tc.cu); got != tc.want {
			t.Errorf("firstName(%+v) = %q, want %q", tc.cu, got, tc.want)
		}
	}
}

var twcsGreeting = regexp.MustCompile(`^(?:Hi|Hello|Hey|Dear),? ([A-Z][a-z]{2,})\b`)

// TestTWCSGreetings takes real brand replies that greet the customer by name: with that
// name as the customer's, no warning; with someone else's, a warning on the name.
func TestTWCSGreetings(t *testing.T) {
	pairs := twcsPairs(t)
	c := needDict(t, "en")
	n, quiet, caught := 0, 0, 0
	for _, p := range pairs {
		text := trailingLinks.ReplaceAllString(leadingMentions.ReplaceAllString(p.reply, ""), "")
		m := twcsGreeting.FindStringSubmatch(text)
		if m == nil || notNames[strings.ToLower(m[1])] {
			continue
		}
		n++
		in := Input{Text: text, Language: "en", Customer: Customer{Name: m[1] + " Example"}}
		if ws := run1(c, in, CheckWrongName); len(ws) == 0 {
			quiet++
		} else {
			t.Logf("false alarm: %q → %+v", text, ws)
		}
		in.Customer = Customer{Name: "Zelda Quinn"}
		for _, w := range run1(c, in, CheckWrongName) {
			if text[w.Start:w.End] == m[1] {
				caught++
				break
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d greeting replies found", n)
	}
	t.Logf("%d TWCS replies greeting by name: %d quiet with the right customer, %d caught with a wrong one", n, quiet, caught)
	if quiet != n || caught != n {
		t.Errorf("want %d quiet and %d caught", n, n)
	}
}
