package compose

import (
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzInput wraps text in a rich context so that every check does its work.
func fuzzInput(text string, public bool, lang string) Input {
	return Input{
		Text: text, Public: public, ChannelType: "x", MaxLength: 280, Language: lang, ConversationID: "c0",
		Customer:         Customer{Name: "Ana Díaz", Handle: "@ana_d", OtherNames: []string{"Maria Lopez", "@mlopez"}},
		AgentName:        "Jo Kim",
		CustomerNegative: true,
		SavedReplies:     []SavedReply{{Name: "reset", Text: "To reset your password open Settings, choose Security and follow the link."}},
		RecentReplies: []RecentReply{
			{Text: strings.Repeat("We're sorry for the trouble with your order, it ships today. ", 3), ConversationID: "c1", CustomerName: "Bo"},
			{Text: text, ConversationID: "c2", CustomerName: "Cy"},
		},
		Compensations:  []Precedent{{Amount: 10, Currency: "USD", Kind: KindRefund, ConversationID: "c3"}},
		Policy:         CompensationPolicy{Limits: []CompensationLimit{{Kind: KindRefund, Currency: "USD", Max: 50}}},
		WorkspaceWords: []string{"iPhone", "AcmePay"},
		PublicContacts: []string{"acme.com", "+1 800 555 0100"},
	}
}

// hostileTexts are inputs built to be slow or to break offsets. All but the first are 20 KB,
// past MaxInput, so that the cut is exercised; the first is 100 KB.
func hostileTexts() []string {
	const n = 20_000
	rep := func(s string) string { return strings.Repeat(s, n/len(s)+1) }
	return []string{
		strings.Repeat("recieve pakage refnd tomorow ", 100_000/29+1),
		rep("4"),
		rep("4111 1111 1111 1111 "),
		rep("!?"),
		rep("😀👩‍👩‍👧‍👦🇫🇷"),
		rep("\xff\xfe\xc3"),
		rep("qzxvbn "),
		rep("Hi Maria, "),
		rep("@a "),
		rep("https://acme.com/"),
		rep("$50 refund "),
		rep("WE DO NOT "),
		rep("a"),
		rep("é"),
		rep("**a** [b](c) `d` "),
		rep("12 rue de la Paix "),
		rep("ana@example.com "),
		rep("Lo estamos revisando, te contactaremos. "),
	}
}

func checkWarnings(t *testing.T, text string, ws []Warning) {
	t.Helper()
	if ws == nil {
		t.Fatal("Check returned nil")
	}
	for _, w := range ws {
		if w.Start < 0 || w.End > len(text) || w.Start > w.End {
			t.Fatalf("warning out of range (len %d): %+v", len(text), w)
		}
		if w.Check == "" || w.Message == "" || !utf8.ValidString(w.Message) {
			t.Fatalf("bad warning: %+v", w)
		}
	}
}

// TestHostileInputs runs every check on 100 KB inputs built to be slow: the work must stay
// bounded (the limit is generous for -race and a loaded CI machine).
func TestHostileInputs(t *testing.T) {
	c := checker(t)
	texts, langs := hostileTexts(), []string{"en", "fr"}
	if raceEnabled {
		texts, langs = texts[:3], langs[:1]
	}
	for i, text := range texts {
		for _, lang := range langs {
			start := time.Now()
			ws := c.Check(fuzzInput(text, true, lang))
			el := time.Since(start)
			checkWarnings(t, text, ws)
			if el > 5*time.Second {
				t.Errorf("hostile input %d (%s, %d bytes): %v", i, lang, len(text), el)
			}
			if testing.Verbose() {
				t.Logf("hostile input %2d %s: %d bytes, %d warnings, %v", i, lang, len(text), len(ws), el)
			}
		}
	}
}

func FuzzCheck(f *testing.F) {
	hostile := hostileTexts()
	if raceEnabled {
		hostile = hostile[:3]
	}
	for _, s := range hostile {
		f.Add(s, true, "en")
	}
	for _, s := range []string{
		"", "Hi Maria, thanks!!", "Dear Mr Smith,", "@mlopez calm down", "We'd like to offer you a $50 refund.",
		"€", "1,2,3,4,5", "Nous vous offrons 30 € d'avoir.", "Hola , gracias", "\x00\x01", "#", "**", "[a](",
	} {
		f.Add(s, false, "es")
	}
	// The small test dictionary: gospell sees the fuzzed words (the real ones take seconds to
	// load in an instrumented fuzzing binary).
	c, err := New(Options{FS: os.DirFS("testdata/tiny"), Preload: true})
	if err != nil {
		f.Fatal(err)
	}
	// Time is bounded by TestHostileInputs: an instrumented fuzzing binary is too slow to time.
	f.Fuzz(func(t *testing.T, text string, public bool, lang string) {
		checkWarnings(t, text, c.Check(fuzzInput(text, public, lang)))
	})
}
