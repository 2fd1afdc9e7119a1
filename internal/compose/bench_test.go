package compose

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// benchInput is a typical public reply on X (about 280 characters) with a realistic context:
// 20 saved replies, 50 recent replies, 10 precedents.
func benchInput(text, lang string) Input {
	in := Input{
		Text: text, Public: true, ChannelType: "x", MaxLength: 280, Language: lang, ConversationID: "c0",
		Customer:         Customer{Name: "Ana Diaz", Handle: "@ana_d", OtherNames: []string{"Maria Lopez"}},
		AgentName:        "Jo Kim",
		CustomerNegative: true,
		Policy:           CompensationPolicy{Limits: []CompensationLimit{{Kind: KindRefund, Currency: "USD", Max: 50}}},
		WorkspaceWords:   []string{"Acme", "AcmePay", "iPhone"},
		PublicContacts:   []string{"acme.com"},
	}
	for i := range 20 {
		in.SavedReplies = append(in.SavedReplies, SavedReply{Name: fmt.Sprint("saved ", i),
			Text: fmt.Sprintf("Hi {{name}}, thanks for reaching out about topic %d. Please follow the steps in our help centre article and let us know if that does not solve it.", i)})
	}
	for i := range 50 {
		in.RecentReplies = append(in.RecentReplies, RecentReply{ConversationID: fmt.Sprint("c", i+1), CustomerName: fmt.Sprint("Customer", i),
			Text: fmt.Sprintf("Hi there, sorry about order %d! The courier has it and it should arrive by Friday. Tracking: https://acme.com/t/%d", i, i)})
	}
	for i := range 10 {
		in.Compensations = append(in.Compensations, Precedent{Amount: float64(10 + i), Currency: "USD", Kind: KindRefund, ConversationID: fmt.Sprint("p", i)})
	}
	return in
}

const (
	benchEN = "Hi Ana, I'm so sorry about the wait! Your package left our warehouse yesterday and should arrive tomorrow before 6pm. " +
		"You can follow it here: https://acme.com/track/AB-12345. As a thank-you for your patience we've added a $15 credit to your AcmePay account."
	benchENTypos = "Hi Ana, I'm so sorry about the wiat! Your pakage left our warehouse yesterday and should arive tomorrow before 6pm. " +
		"You can follow it here: https://acme.com/track/AB-12345. As a thank-you for your patiance we've added a $15 credit to your AcmePay account."
	benchFR = "Bonjour Ana, nous sommes vraiment désolés pour l'attente ! Votre colis a quitté notre entrepôt hier et devrait arriver demain avant 18 h. " +
		"Vous pouvez le suivre ici : https://acme.com/track/AB-12345. Merci de votre patience, nous avons ajouté un avoir de 15 € à votre compte."
)

// BenchmarkCheck is the composer's budget: under 2 ms for a 280-character reply.
func BenchmarkCheck(b *testing.B) {
	c := checker(b)
	for _, bc := range []struct{ name, text, lang string }{
		{"en", benchEN, "en"}, {"en-typos", benchENTypos, "en"}, {"fr", benchFR, "fr"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			in := benchInput(bc.text, bc.lang)
			c.Check(in) // warm the dictionary caches, as a running server has them
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				c.Check(in)
			}
		})
	}
}

// BenchmarkEachCheck shows where the time goes.
func BenchmarkEachCheck(b *testing.B) {
	c := checker(b)
	in := benchInput(benchEN, "en")
	c.Check(in)
	for _, name := range Checks {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				run1(c, in, name)
			}
		})
	}
}

// BenchmarkCheckParallel measures the shared Checker under concurrent use.
func BenchmarkCheckParallel(b *testing.B) {
	c := checker(b)
	in := benchInput(benchEN, "en")
	c.Check(in)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Check(in)
		}
	})
}

// BenchmarkCheckCold is the first check of a word-for-word new reply (every word a dictionary
// miss): what a fresh process pays.
func BenchmarkCheckCold(b *testing.B) {
	c := checker(b)
	i := 0
	for b.Loop() {
		i++
		text := strings.NewReplacer("package", fmt.Sprint("package", i%7), "warehouse", fmt.Sprint("ware", i)).Replace(benchENTypos)
		c.Check(benchInput(text, "en"))
	}
}

// BenchmarkLoad is what New(Options{Preload: true}) or the first check in a language pays,
// per dictionary, and the heap it keeps.
func BenchmarkLoad(b *testing.B) {
	c := checker(b)
	for _, lang := range c.Languages() {
		b.Run(lang, func(b *testing.B) {
			var heap uint64
			var took time.Duration
			for b.Loop() {
				var m0, m1 runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m0)
				d := &dictionary{lang: lang, fsys: c.dicts[lang].fsys, aff: lang + ".aff", dic: lang + ".dic", reloadAfter: reloadAfter}
				start := time.Now()
				if !d.load() {
					b.Fatal(d.loadErr)
				}
				took += time.Since(start)
				runtime.GC()
				runtime.ReadMemStats(&m1)
				heap = m1.HeapAlloc - m0.HeapAlloc
				runtime.KeepAlive(d)
			}
			b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
			b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "ms-load")
		})
	}
}
