package compose

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

type spellCase struct {
	name      string
	lang      string
	text      string
	workspace []string
	want      []string // flagged words, in order, as "word" or "word→fix"
}

func runSpellCases(t *testing.T, c *Checker, cases []spellCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := Input{Text: tc.text, Language: tc.lang, WorkspaceWords: tc.workspace,
				Customer: Customer{Name: "Ana Diaz", Handle: "@ana_d"}, AgentName: "Jo Kim"}
			var got []string
			for _, w := range run1(c, in, CheckSpelling) {
				s := tc.text[w.Start:w.End]
				if w.Fix != "" {
					s += "→" + w.Fix
				}
				got = append(got, s)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%q: flagged %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

// TestSpellingRules checks what is looked up at all, on a hand-written dictionary.
func TestSpellingRules(t *testing.T) {
	c := tinyChecker(t)
	runSpellCases(t, c, []spellCase{
		{name: "clean", text: "Hi Ana, thanks for waiting! Your order shipped today."},
		{name: "handle hashtag url", text: "Hello @AskAcme (@AcmeHelp) #outage $ACME https://acme.com/x?q=zzqx www.acme.io/help acme.com/qqq"},
		{name: "codes and numbers", text: "Your order AB-12345 is on the way: 2nd package, 4G, #1, 12:30, 3.5kg, x86"},
		{name: "emoji and symbols", text: "Thanks 😀🙏🏽👩‍👩‍👧 ❤️ ✓ → ™"},
		{name: "acronyms", text: "Please check the FAQ and DMs, ASAP. DM us, it's OK."},
		{name: "email address", text: "Please check ana.diaz@example.com and support@acme.io"},
		{name: "names around the reply", text: "Thanks Ana, and Diaz and ana_d. Jo"},
		{name: "signature marks", text: "We are sorry. ^JK -Mary ~Derrick *DannyH /LS"},
		{name: "non-Latin scripts", text: "Спасибо 谢谢 ありがとう شكرا"},
		{name: "misspelling with fix", text: "Teh package is on teh way.", want: []string{"Teh→The", "teh→the"}},
		{name: "doubled letter fix", text: "Please chekc the trackking link.", want: []string{"chekc→check", "trackking→tracking"}},
		{name: "no fix found", text: "Hello qzxvbn", want: []string{"qzxvbn"}},
		{name: "proper noun mid-sentence", text: "We are sorry, Zorblax is on the way."},
		{name: "unknown word opening a sentence", text: "Zorblax is on the way.", want: []string{"Zorblax"}},
		{name: "quoted sentence start", text: "“Zorblax” is here.", want: []string{"Zorblax"}},
		{name: "inner capital is a product", text: "Your iPhone and AirPods shipped today."},
		{name: "workspace word", text: "Your iPhone shipped.", workspace: []string{"iPhone"}},
		{name: "workspace word wrong case", text: "Your iphone shipped.", workspace: []string{"iPhone"}, want: []string{"iphone→iPhone"}},
		{name: "workspace word misspelt", text: "Thanks for waiting, Acmee is on the way.", workspace: []string{"Acme", "AcmePay Plus"}, want: []string{"Acmee→Acme"}},
		{name: "workspace phrase", text: "See AcmePay Plus here.", workspace: []string{"AcmePay Plus"}},
		{name: "possessive", text: "Ana's package shipped today."},
		{name: "hyphenated", text: "Your pre-order update shipped.", want: nil},
		{name: "hyphenated with a typo", text: "Your order-updat shipped.", want: []string{"order-updat→order-update"}},
		{name: "common words", text: "Hi, ok, see the app or email pls."},
		{name: "single letters", text: "a b c d e f"},
		{name: "invalid utf-8", text: "Hi \xff\xfe teh \xc3 way", want: []string{"teh→the"}},
	})
}

func TestSpellingEnglish(t *testing.T) {
	c := needDict(t, "en")
	runSpellCases(t, c, []spellCase{
		{name: "clean reply", lang: "en", text: "Hi Ana, thanks for waiting! Your package shipped yesterday and should arrive tomorrow. You can follow it with the tracking link we emailed you."},
		{name: "hard cases", lang: "en", text: "Thanks @AskAcme #outage https://acme.com/x AB-12345 😀 iPhone", workspace: []string{"iPhone"}},
		{name: "contractions", lang: "en", text: "We're sorry you’re waiting; it's on us and we'll fix it. Don't worry, you've got this."},
		{name: "possessives", lang: "en", text: "The customer's order and Ana's refund."},
		{name: "hyphens", lang: "en", text: "A follow-up e-mail about your pre-order and our co-worker's check-in."},
		{name: "typos", lang: "en", text: "We will recieve the pakage and refnd you tomorow.", want: []string{"recieve→receive", "pakage→package", "refnd→refund", "tomorow→tomorrow"}},
		{name: "shiping", lang: "en", text: "Shiping takes two days.", want: []string{"Shiping→Shipping"}},
		{name: "both Englishes are right", lang: "en", text: "Sorry about the colour, we apologise and will organize it. The color is favourite."},
		{name: "British tag", lang: "en-GB", text: "We apologise for the colour; we apologize for the color."},
		{name: "brand casing", lang: "en", text: "Your iphone is ready.", workspace: []string{"iPhone"}, want: []string{"iphone→iPhone"}},
		{name: "empty language means default", lang: "", text: "Thanks for waiting."},
	})
}

func TestSpellingOtherLanguages(t *testing.T) {
	c := checker(t)
	var cases []spellCase
	if _, ok := c.dicts["es"]; ok {
		cases = append(cases,
			spellCase{name: "es clean", lang: "es", text: "Hola Ana, lo sentimos mucho. Tu pedido llegará mañana; gracias por tu paciencia."},
			spellCase{name: "es typo", lang: "es", text: "Hola, tu pedido llegará mañana. Grasias por esperar.", want: []string{"Grasias→Gracias"}},
			spellCase{name: "es-MX tag", lang: "es-MX", text: "Gracias por tu paciencia."},
		)
	}
	if _, ok := c.dicts["fr"]; ok {
		cases = append(cases,
			spellCase{name: "fr clean", lang: "fr", text: "Bonjour Ana, nous sommes désolés pour ce retard. Votre commande arrivera demain, merci de votre patience."},
			spellCase{name: "fr typo", lang: "fr-CA", text: "Bonjour, votre comande arrivera demain.", want: []string{"comande→commande"}},
		)
	}
	if _, ok := c.dicts["de"]; ok {
		cases = append(cases,
			spellCase{name: "de clean", lang: "de", text: "Hallo Ana, es tut uns leid. Ihre Bestellung kommt morgen an, vielen Dank für Ihre Geduld."},
			spellCase{name: "de typo", lang: "de-AT", text: "Ihre Bestelung kommt morgen.", want: []string{"Bestelung→Bestellung"}},
		)
	}
	if _, ok := c.dicts["es"]; ok && c.dicts["en"] != nil {
		// The conversation was detected as English, but the agent answers in Spanish.
		cases = append(cases, spellCase{name: "reply in another language", lang: "en",
			text: "Hola Ana, tu pedido llegará mañana por la tarde. Gracias por tu paciencia y disculpa las molestias."})
	}
	if len(cases) == 0 {
		needDict(t, "es")
	}
	runSpellCases(t, c, cases)
}

func TestUnknownLanguageSkipsSpelling(t *testing.T) {
	c := needDict(t, "en")
	// Indonesian: no dictionary knows it; no warnings rather than one per word.
	in := Input{Text: "Terima kasih telah menghubungi kami, tim kami akan segera membantu masalah anda.", Language: "en"}
	if ws := run1(c, in, CheckSpelling); len(ws) != 0 {
		t.Errorf("got %d spelling warnings on a language without a dictionary: %+v", len(ws), ws)
	}
	in.Language = "id"
	if ws := run1(c, in, CheckSpelling); len(ws) != 0 {
		t.Errorf("Language id: got %+v", ws)
	}
}

func TestSpellingCaps(t *testing.T) {
	c := tinyChecker(t)
	text := strings.Repeat("qzxvbn ", 1000)
	ws := run1(c, Input{Text: text}, CheckSpelling)
	if len(ws) > maxSpellWarnings {
		t.Errorf("%d warnings, want at most %d", len(ws), maxSpellWarnings)
	}
	fixes := 0
	for _, w := range ws {
		if w.Fix != "" {
			fixes++
		}
	}
	if fixes > maxFixesPerDraft {
		t.Errorf("%d fixes, want at most %d", fixes, maxFixesPerDraft)
	}
}

// TestDictionaryConcurrent hammers one dictionary from many goroutines (run with -race):
// gospell mutates its lazy caches inside Spell.
func TestDictionaryConcurrent(t *testing.T) {
	c := tinyChecker(t)
	d := c.dicts["en"]
	d.mu.Lock()
	d.reloadAfter = 50 // reload in the middle of the run
	d.mu.Unlock()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				w := fmt.Sprintf("wrd%dx%d", g, i%70)
				d.spell(w)
				d.spell("hello")
				if i%50 == 0 {
					d.fix("helo")
				}
			}
		})
	}
	wg.Wait()
	if !d.spell("hello") || d.spell("helo") {
		t.Error("dictionary answers changed after concurrent use")
	}
	if got := d.fix("helo"); got != "hello" {
		t.Errorf("fix(helo) = %q, want hello", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		d.mu.Lock()
		reloads, reloading := d.reloads, d.reloading
		d.mu.Unlock()
		if reloads > 0 && !reloading {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("dictionary not reloaded after reloadAfter lookups (reloads=%d, reloading=%v)", reloads, reloading)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"acme", "acme", 2, 0}, {"acmee", "acme", 2, 1}, {"spotfy", "spotify", 2, 1},
		{"kitten", "sitting", 3, 3}, {"kitten", "sitting", 1, 2}, {"", "abc", 5, 3}, {"ñandú", "nandu", 2, 2},
	} {
		if got := editDistance(tc.a, tc.b, tc.limit); got != tc.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
		}
	}
}
