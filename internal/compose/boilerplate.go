package compose

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
)

const (
	// minBoilerplateWords: shorter replies ("Thanks, glad it worked!") are allowed to repeat.
	minBoilerplateWords = 8
	// maxCompared bounds the saved and recent replies compared with one draft.
	maxCompared = 500
)

// greetingWords are dropped at the start of a reply before comparing: the greeting is not
// personalization.
var greetingWords = map[string]bool{
	"hi": true, "hello": true, "hey": true, "hiya": true, "dear": true, "good": true,
	"morning": true, "afternoon": true, "evening": true, "there": true, "thanks": true,
	"thank": true, "you": true, "hola": true, "buenos": true, "buenas": true, "dias": true,
	"tardes": true, "bonjour": true, "bonsoir": true, "salut": true, "hallo": true, "guten": true,
	"tag": true, "liebe": true, "lieber": true,
}

var seed = maphash.MakeSeed()

// shingles returns the sorted, distinct hashes of the word trigrams of s, leaving out links,
// handles, hashtags, names and the opening greeting, and the number of words compared.
func shingles(s string, names map[string]bool) ([]uint64, int) {
	s = truncateUTF8(s, MaxInput)
	ws := make([]string, 0, 64)
	opening := true
	for _, ch := range chunks(s, MaxInput) {
		t := ch.text
		if strings.HasPrefix(t, "#") || strings.ContainsAny(t, "@/") || strings.HasPrefix(strings.ToLower(t), "www.") {
			continue // a handle, an e-mail address, a hashtag or a link
		}
		for _, w := range words(t) {
			f := fold(w.text)
			if names[f] {
				continue
			}
			if opening && greetingWords[f] {
				continue
			}
			opening = false
			ws = append(ws, f)
		}
	}
	if len(ws) < 3 {
		return nil, len(ws)
	}
	out := make([]uint64, 0, len(ws)-2)
	for i := 0; i+2 < len(ws); i++ {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteString(ws[i])
		h.WriteByte(0)
		h.WriteString(ws[i+1])
		h.WriteByte(0)
		h.WriteString(ws[i+2])
		out = append(out, h.Sum64())
	}
	slices.Sort(out)
	return slices.Compact(out), len(ws)
}

// shingleCache keeps the shingles of saved and recent replies, which the composer sends with
// every check of a draft. It is cleared when full.
type shingleCache struct {
	mu sync.Mutex
	m  map[uint64][]uint64
}

const maxShingleCache = 8192

// get returns the shingles of an earlier reply, leaving out its customer's name.
func (sc *shingleCache) get(text, customer string) []uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteString(customer)
	h.WriteByte(0)
	h.WriteString(text)
	key := h.Sum64()
	sc.mu.Lock()
	sh, ok := sc.m[key]
	sc.mu.Unlock()
	if ok {
		return sh
	}
	names := map[string]bool{}
	for _, w := range foldedWords(customer) {
		names[w] = true
	}
	sh, _ = shingles(text, names)
	sc.mu.Lock()
	if sc.m == nil || len(sc.m) >= maxShingleCache {
		sc.m = make(map[uint64][]uint64)
	}
	sc.m[key] = sh
	sc.mu.Unlock()
	return sh
}

// jaccard returns |a∩b| / |a∪b| of two sorted distinct sets.
func jaccard(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	i, j, inter := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func (r *run) boilerplate() {
	names := r.nameWords()
	draft, n := shingles(r.text, names)
	if n < minBoilerplateWords {
		return
	}
	best, bestScore := "", 0.0
	compared := 0
	consider := func(text, customer, label string) {
		if compared >= maxCompared || strings.TrimSpace(text) == "" {
			return
		}
		compared++
		if s := jaccard(draft, r.c.shingles.get(text, customer)); s > bestScore {
			best, bestScore = label, s
		}
	}
	for _, sr := range r.in.SavedReplies {
		label := "the saved reply"
		if sr.Name != "" {
			label = fmt.Sprintf("the saved reply “%s”", sr.Name)
		}
		consider(sr.Text, "", label)
	}
	own := map[string]bool{}
	cn, _ := customerNames(r.in.Customer)
	for _, w := range cn {
		own[w] = true
	}
	for _, rr := range r.in.RecentReplies {
		if rr.ConversationID != "" && rr.ConversationID == r.in.ConversationID {
			continue
		}
		if rr.CustomerName != "" && sameName(rr.CustomerName, own) {
			continue
		}
		label := "a reply sent"
		if rr.CustomerName != "" {
			label += " to " + rr.CustomerName
		}
		if rr.ConversationID != "" {
			label += " in conversation " + rr.ConversationID
		}
		consider(rr.Text, rr.CustomerName, label)
	}
	if bestScore >= r.c.threshold {
		start, end := r.whole()
		r.warn(start, end, "", "This repeats %s almost word for word (%.0f%% the same): add something specific to this customer's situation.", best, bestScore*100)
	}
}

// sameName reports whether every word of name is one of the customer's name words.
func sameName(name string, own map[string]bool) bool {
	ws := foldedWords(name)
	if len(ws) == 0 {
		return false
	}
	for _, w := range ws {
		if !own[w] {
			return false
		}
	}
	return true
}
