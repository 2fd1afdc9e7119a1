package spam

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxInput is the number of leading bytes of a text that feature extraction reads.
const MaxInput = 64 << 10

// maxFeatures bounds the features taken from one text.
const maxFeatures = 512

// Features returns the distinct features of text: lower-case word unigrams and bigrams, plus
// shape features that carry most of the spam signal across domains (links, long numbers,
// money, shouting, "subscribe"-style calls). The baseline model and workspace deltas share it,
// so it is versioned with the model (see Baseline.Version): changing it means regenerating.
func Features(text string) []string {
	if len(text) > MaxInput {
		text = text[:MaxInput]
	}
	words := make([]string, 0, 32)
	feats := make([]string, 0, 64)
	seen := make(map[string]struct{}, 64)
	add := func(f string) {
		if len(feats) >= maxFeatures {
			return
		}
		if _, ok := seen[f]; !ok {
			seen[f] = struct{}{}
			feats = append(feats, f)
		}
	}
	letters, upperLetters, excl := 0, 0, 0
	for _, f := range strings.Fields(text) {
		if len(words) >= maxFeatures {
			break
		}
		lf := strings.ToLower(f)
		switch {
		case isLink(lf):
			// Links are in most spam of the training corpora but also in a large share of
			// customer tweets (every attachment is a t.co link): as one feature the model
			// learns "link means spam" and flags one customer tweet in ten. So a link is a
			// feature per host ("_host:youtube.com"), which a link shortener the corpora
			// never saw leaves neutral.
			add("_host:" + host(lf))
			words = append(words, "")
			continue
		case strings.HasPrefix(lf, "@") && len(lf) > 1:
			add("_mention")
			continue
		case strings.Contains(lf, "@") && strings.Contains(lf, "."):
			add("_email")
			continue
		}
		for _, r := range f {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upperLetters++
				}
			}
			switch r {
			case '!':
				excl++
			case '£', '$', '€':
				add("_money")
			}
		}
		for _, w := range splitWord(lf) {
			words = append(words, w)
		}
	}
	for i, w := range words {
		if w == "" {
			continue
		}
		add(w)
		if i > 0 && words[i-1] != "" {
			add(words[i-1] + " " + w)
		}
	}
	if letters >= 12 && upperLetters*10 >= letters*6 {
		add("_shouting")
	}
	if excl >= 3 {
		add("_excl3")
	}
	return feats
}

// splitWord cuts a lower-case field into word tokens; digit runs become shape tokens
// ("_num5+" for five digits or more, the usual shape of premium numbers and codes).
func splitWord(f string) []string {
	var out []string
	start := -1
	digits := 0
	flush := func(end int) {
		if start < 0 {
			return
		}
		tok := f[start:end]
		switch {
		case digits == len(tok) && digits >= 5:
			tok = "_num5+"
		case digits == len(tok):
			tok = "_num"
		case digits > 0:
			tok = "_alnum"
		}
		out = append(out, tok)
		start, digits = -1, 0
	}
	for i, r := range f {
		if r == utf8.RuneError {
			flush(i)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			if start < 0 {
				start = i
			}
			if unicode.IsDigit(r) {
				digits++
			}
			continue
		}
		flush(i)
	}
	flush(len(f))
	return out
}

// host returns the host of a link-like field, without "www.".
func host(f string) string {
	if i := strings.Index(f, "://"); i >= 0 {
		f = f[i+3:]
	}
	if i := strings.IndexAny(f, "/?#"); i >= 0 {
		f = f[:i]
	}
	f = strings.TrimPrefix(f, "www.")
	if f == "" || strings.HasPrefix(f, "watch") {
		return "youtube.com"
	}
	return f
}
