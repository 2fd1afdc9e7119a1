package compose

import (
	"strings"
	"testing"
)

func TestBoilerplate(t *testing.T) {
	c := tinyChecker(t)
	stock := "We're sorry for the trouble with your order. Our team has reset your account and you should be able to log in again within the hour. Let us know if anything else comes up!"
	recent := []RecentReply{
		{Text: "Hi Maria, " + stock, ConversationID: "01JOTHER", CustomerName: "Maria Lopez"},
		{Text: "Thanks for the photo, the courier will collect the broken chair on Friday morning.", ConversationID: "01JCHAIR", CustomerName: "Bo Chen"},
	}
	saved := []SavedReply{{Name: "Password reset", Text: "Hi {{first_name}}, to reset your password open Settings, choose Security and follow the link we e-mail you. It is valid for one hour."}}
	cases := []struct {
		name  string
		in    Input
		want  string // substring of the message, "" for no warning
		check func(t *testing.T, w Warning)
	}{
		{name: "same reply to another customer, only the name changed",
			in:   Input{Text: "Hi Ana, " + stock, Customer: Customer{Name: "Ana Diaz"}, RecentReplies: recent},
			want: "conversation 01JOTHER"},
		{name: "different greeting and punctuation",
			in:   Input{Text: "Hello Ana!! " + strings.ToUpper(stock[:20]) + stock[20:], Customer: Customer{Name: "Ana Diaz"}, RecentReplies: recent},
			want: "Maria Lopez"},
		{name: "personalised answer",
			in: Input{Text: "Hi Ana, sorry about the double charge on your May invoice. I've refunded the second payment of $12.99 today; it shows in 3-5 days.",
				Customer: Customer{Name: "Ana Diaz"}, RecentReplies: recent, SavedReplies: saved}},
		{name: "saved reply pasted as is",
			in:   Input{Text: "Hi Ana, to reset your password open Settings, choose Security and follow the link we e-mail you. It is valid for one hour.", Customer: Customer{Name: "Ana Diaz"}, SavedReplies: saved},
			want: "saved reply “Password reset”"},
		{name: "saved reply with additions",
			in: Input{Text: "Hi Ana, sorry you got locked out right before your flight, that is stressful. To reset your password open Settings, choose Security and follow the link we e-mail you. I checked and your account itself is fine, nothing was changed. It is valid for one hour.",
				Customer: Customer{Name: "Ana Diaz"}, SavedReplies: saved}},
		{name: "own conversation's earlier reply",
			in: Input{Text: "Hi Ana, " + stock, Customer: Customer{Name: "Ana Diaz"}, ConversationID: "01JOTHER",
				RecentReplies: recent[:1]}},
		{name: "same customer elsewhere",
			in: Input{Text: "Hi Maria, " + stock, Customer: Customer{Name: "Maria Lopez"},
				RecentReplies: recent[:1]}},
		{name: "short replies may repeat",
			in: Input{Text: "Thanks, glad it worked!", RecentReplies: []RecentReply{{Text: "Thanks, glad it worked!", ConversationID: "x"}}}},
		{name: "links and handles do not personalise",
			in: Input{Text: "@ana_d " + stock + " https://acme.com/a/1", Customer: Customer{Handle: "ana_d"},
				RecentReplies: []RecentReply{{Text: "@bo_c " + stock + " https://acme.com/b/2", ConversationID: "01JB", CustomerName: "Bo"}}},
			want: "01JB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := run1(c, tc.in, CheckBoilerplate)
			if tc.want == "" {
				if len(ws) != 0 {
					t.Errorf("got %+v, want no warning", ws)
				}
				return
			}
			if len(ws) != 1 {
				t.Fatalf("got %+v, want one warning", ws)
			}
			w := ws[0]
			if !strings.Contains(w.Message, tc.want) {
				t.Errorf("message %q does not name %q", w.Message, tc.want)
			}
			if w.Start != 0 || w.End != len(tc.in.Text) {
				t.Errorf("span %d..%d, want the whole reply 0..%d", w.Start, w.End, len(tc.in.Text))
			}
		})
	}
}

func TestBoilerplateThreshold(t *testing.T) {
	loose, err := New(Options{FS: emptyFS, BoilerplateThreshold: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	in := Input{
		Text:          "Your replacement card was sent today and should arrive within five working days, sorry again.",
		RecentReplies: []RecentReply{{Text: "Your replacement card was sent today and should arrive within ten working days.", ConversationID: "c9"}},
	}
	if ws := run1(loose, in, CheckBoilerplate); len(ws) != 1 {
		t.Errorf("threshold 0.3: got %+v, want a warning", ws)
	}
	strict, _ := New(Options{FS: emptyFS})
	if ws := run1(strict, in, CheckBoilerplate); len(ws) != 0 {
		t.Errorf("default threshold: got %+v, want none", ws)
	}
}

func TestJaccard(t *testing.T) {
	a, _ := shingles("one two three four five", nil)
	b, _ := shingles("one two three four six", nil)
	if got := jaccard(a, a); got != 1 {
		t.Errorf("jaccard(a, a) = %v", got)
	}
	if got := jaccard(a, b); got != 0.5 {
		t.Errorf("jaccard = %v, want 2/4", got)
	}
	if got := jaccard(nil, b); got != 0 {
		t.Errorf("jaccard(nil, b) = %v", got)
	}
}
