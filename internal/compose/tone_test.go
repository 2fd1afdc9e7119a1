package compose

import (
	"fmt"
	"testing"
)

// toneCase is a draft and the spans one check should flag in it.
type toneCase struct {
	name string
	in   Input
	want []string // flagged text, in order
}

func runToneCases(t *testing.T, check string, cases []toneCase) {
	t.Helper()
	c := checker(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, w := range run1(c, tc.in, check) {
				got = append(got, tc.in.Text[w.Start:w.End])
				if w.Message == "" {
					t.Error("empty message")
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%q: got %q, want %q", tc.in.Text, got, tc.want)
			}
		})
	}
}

func TestAcknowledgementOnly(t *testing.T) {
	runToneCases(t, CheckAcknowledgementOnly, []toneCase{
		{name: "looking into it", in: Input{Text: "Thanks for flagging this! We're looking into it and will get back to you soon."}, want: []string{"We're looking into it"}},
		{name: "let me check", in: Input{Text: "Sorry about that, let me check with the team."}, want: []string{"let me check"}},
		{name: "passed on", in: Input{Text: "I've passed this on to our delivery team, they will be in touch."}, want: []string{"I've passed this on"}},
		{name: "keep you posted", in: Input{Text: "Hi Ana! We'll keep you posted."}, want: []string{"We'll keep you posted"}},
		{name: "asking for details is still no answer", in: Input{Text: "Let me look into this. Can you DM us your order number?"}, want: []string{"Let me look"}},
		{name: "tracking link is an answer", in: Input{Text: "We're looking into it. Meanwhile here is your tracking link: https://track.acme.com/AB12345"}},
		{name: "a date is an answer", in: Input{Text: "We're looking into it: the courier will deliver on Friday."}},
		{name: "a number is an answer", in: Input{Text: "Let me check... your refund of $20 was sent."}},
		{name: "a step is an answer", in: Input{Text: "We're looking into it. In the meantime, restart the app and sign in again."}},
		{name: "a cause is an answer", in: Input{Text: "We're looking into it; this happens because the payment provider is down."}},
		{name: "a done deed is an answer", in: Input{Text: "We're on it, and we've refunded the charge."}},
		{name: "long explanation", in: Input{Text: "We're looking into it. The new firmware changed how the thermostat reports humidity, so the app shows the old reading until the device syncs again overnight."}},
		{name: "no promise at all", in: Input{Text: "Sorry to hear that, Ana."}},
		{name: "Spanish", in: Input{Language: "es", Text: "Hola Ana, lo estamos revisando y te contactaremos pronto."}, want: []string{"lo estamos revisando"}},
		{name: "French", in: Input{Language: "fr", Text: "Bonjour, nous revenons vers vous rapidement."}, want: []string{"nous revenons vers vous"}},
		{name: "German", in: Input{Language: "de", Text: "Hallo, wir melden uns bald."}, want: []string{"wir melden uns"}},
		{name: "German answer", in: Input{Language: "de", Text: "Hallo, wir prüfen das. Ihr Paket kommt morgen."}},
	})
}

func TestDeflection(t *testing.T) {
	runToneCases(t, CheckDeflection, []toneCase{
		{name: "dm us", in: Input{Text: "Please DM us so we can help."}, want: []string{"DM"}},
		{name: "send us a dm", in: Input{Text: "Send us a DM and we'll sort it out."}, want: []string{"Send us a DM"}},
		{name: "call us", in: Input{Text: "Give us a call and we'll take a look."}, want: []string{"Give us a call"}},
		{name: "email us", in: Input{Text: "Email us and the team will help."}, want: []string{"Email us"}},
		{name: "visit a store", in: Input{Text: "Please visit your nearest store for help."}, want: []string{"visit your nearest store"}},
		{name: "contact support", in: Input{Text: "Please contact our customer service team."}, want: []string{"contact our customer service"}},
		{name: "personal data justifies it", in: Input{Text: "Please DM us so we can help.", ThreadHasPersonalData: true}},
		{name: "account access justifies it", in: Input{Text: "Please DM us so we can help.", ThreadNeedsAccount: true}},
		{name: "reason in the reply", in: Input{Text: "Please DM us your order number and e-mail address so we can check."}},
		{name: "reply mentions a dm already sent", in: Input{Text: "We've replied to your DM, see you there."}},
		{name: "answered in public", in: Input{Text: "Your parcel left the depot this morning and arrives tomorrow."}},
		{name: "email as information", in: Input{Text: "The confirmation was sent by e-mail yesterday."}},
		{name: "in-store offers", in: Input{Text: "No in-store offers this week, sorry!"}},
		{name: "Spanish", in: Input{Language: "es", Text: "Escríbenos por privado, por favor."}, want: []string{"Escríbenos por privado"}},
		{name: "French", in: Input{Language: "fr", Text: "Envoyez-nous un MP."}, want: []string{"Envoyez-nous un MP"}},
		{name: "German", in: Input{Language: "de", Text: "Schreib uns eine DM."}, want: []string{"Schreib uns eine DM"}},
	})
}

func TestEmpathy(t *testing.T) {
	neg := func(text string) Input { return Input{Text: text, CustomerNegative: true} }
	runToneCases(t, CheckEmpathy, []toneCase{
		{name: "no empathy", in: neg("Your order will arrive on Friday."), want: []string{"Your order will arrive on Friday."}},
		{name: "customer not upset", in: Input{Text: "Your order will arrive on Friday."}},
		{name: "sorry", in: neg("Sorry about this! Your order will arrive on Friday.")},
		{name: "apologise", in: neg("We apologise for the delay.")},
		{name: "understand", in: neg("I understand how frustrating this is.")},
		{name: "hear you", in: neg("I hear you, that's not good enough.")},
		{name: "concerning", in: neg("That's really concerning. Let's fix it.")},
		{name: "patience", in: neg("Thank you for your patience while we check.")},
		{name: "feel free is not empathy", in: neg("Feel free to DM us."), want: []string{"Feel free to DM us."}},
		{name: "Spanish", in: Input{Language: "es", Text: "Lamentamos las molestias.", CustomerNegative: true}},
		{name: "French", in: Input{Language: "fr", Text: "Nous sommes désolés du retard.", CustomerNegative: true}},
		{name: "German", in: Input{Language: "de", Text: "Es tut uns leid.", CustomerNegative: true}},
		{name: "German without empathy", in: Input{Language: "de", Text: "Ihr Paket kommt morgen.", CustomerNegative: true}, want: []string{"Ihr Paket kommt morgen."}},
	})
}

func TestArguing(t *testing.T) {
	runToneCases(t, CheckArguing, []toneCase{
		{name: "you're wrong", in: Input{Text: "You're wrong, the price was shown."}, want: []string{"You're wrong"}},
		{name: "not true", in: Input{Text: "That's not true."}, want: []string{"That's not true"}},
		{name: "as I already said", in: Input{Text: "As I already said, we don't ship there."}, want: []string{"As I already said"}},
		{name: "calm down", in: Input{Text: "Please calm down."}, want: []string{"calm down"}},
		{name: "read the faq", in: Input{Text: "Read the FAQ."}, want: []string{"Read the FAQ"}},
		{name: "read as an invitation", in: Input{Text: "You can read the policy here: https://acme.com/p"}},
		{name: "obviously", in: Input{Text: "Obviously it needs charging."}, want: []string{"Obviously"}},
		{name: "shouting", in: Input{Text: "WE DO NOT REFUND OPENED ITEMS."}, want: []string{"WE DO NOT REFUND OPENED ITEMS"}},
		{name: "acronyms are not shouting", in: Input{Text: "DM us your PIN via the FAQ page, ASAP."}},
		{name: "one word in capitals is emphasis", in: Input{Text: "That is AWESOME news."}},
		{name: "double exclamation", in: Input{Text: "Great news!!"}, want: []string{"!!"}},
		{name: "question marks", in: Input{Text: "Did you even try??"}, want: []string{"Did you even try", "??"}},
		{name: "interrobang", in: Input{Text: "Really?!"}, want: []string{"?!"}},
		{name: "polite reply", in: Input{Text: "Thanks for your patience! Your refund is on its way."}},
		{name: "should have received is fine", in: Input{Text: "You should have received an e-mail from us."}},
		{name: "whatever you need is fine", in: Input{Text: "We'll do whatever you need to get this sorted."}},
		{name: "Spanish", in: Input{Language: "es", Text: "Como ya te dije, no es posible."}, want: []string{"Como ya te dije"}},
		{name: "French", in: Input{Language: "fr", Text: "Calmez-vous, c'est faux."}, want: []string{"Calmez-vous", "c'est faux"}},
		{name: "German", in: Input{Language: "de", Text: "Das stimmt nicht."}, want: []string{"Das stimmt nicht"}},
	})
}

func TestArguingFixes(t *testing.T) {
	c := checker(t)
	text := "WE DO NOT REFUND OPENED ITEMS!!! Why??"
	fixes := map[string]string{}
	for _, w := range run1(c, Input{Text: text}, CheckArguing) {
		fixes[text[w.Start:w.End]] = w.Fix
	}
	want := map[string]string{"WE DO NOT REFUND OPENED ITEMS": "we do not refund opened items", "!!!": "!", "??": "?"}
	if fmt.Sprint(fixes) != fmt.Sprint(want) {
		t.Errorf("fixes %v, want %v", fixes, want)
	}
}
