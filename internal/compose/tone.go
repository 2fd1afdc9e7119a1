package compose

import (
	"regexp"
	"strings"
	"unicode"
)

// minContentWords: a reply with this many words outside its acknowledging and courtesy
// sentences says something, even without a link, number or step.
const minContentWords = 15

func (r *run) acknowledgementOnly() {
	text := r.text
	ack, ok := findPhrase(r.phrases(ackPhrases), text)
	if !ok || len(urlSpans(text)) > 0 || hasDigit(text) {
		return
	}
	if _, ok := findPhrase(r.phrases(answerPhrases), text); ok {
		return
	}
	acks, fillers := r.phrases(ackPhrases), r.phrases(fillerPhrases)
	content := 0
	for _, s := range r.sents() {
		sent := text[s.start:s.end]
		if _, ok := findPhrase(acks, sent); ok {
			continue
		}
		if _, ok := findPhrase(fillers, sent); ok {
			continue
		}
		content += len(words(sent))
	}
	if content >= minContentWords {
		return
	}
	r.warn(ack.start, ack.end, "", "No answer yet: “%s” promises one, but the reply gives no link, number, date or step. Send it as a holding reply (the response clock keeps running), or add the answer.", text[ack.start:ack.end])
}

func (r *run) deflection() {
	if r.in.ThreadHasPersonalData || r.in.ThreadNeedsAccount {
		return
	}
	text := r.text
	if _, ok := findPhrase(r.phrases(reasonPhrases), text); ok {
		return // the reply asks for personal or account details: that is the reason
	}
	skip := r.skips()
	var flagged []span
	for _, cat := range deflectionOrder {
		for _, sp := range findPhrases(r.phrases(deflectionPhrases[cat]), text, 4) {
			if inSpans(skip, sp.start) || overlaps(flagged, sp) || referenceBefore.MatchString(text[max(0, sp.start-40):sp.start]) {
				continue
			}
			flagged = append(flagged, sp)
			r.warn(sp.start, sp.end, "", "Moves the customer to %s, but this thread needs no personal data or account access and the reply gives no reason: answer here in the thread, or say why.", cat)
		}
	}
}

func (r *run) empathy() {
	if !r.in.CustomerNegative {
		return
	}
	if _, ok := findPhrase(r.phrases(empathyPhrases), r.text); ok {
		return
	}
	start, end := r.whole()
	r.warn(start, end, "", "The customer is upset and the reply does not acknowledge it: say you are sorry or that you understand before the answer.")
}

// referenceBefore makes a channel word a reference to what already happened ("we replied to
// your DM", "confirmed by e-mail") rather than sending the customer there.
var referenceBefore = regexp.MustCompile(`(?i)(?:\b(?:your|our|the|my|this|that|same)\s+|\b(?:replied|responded|answered|confirmed|sent|received|got)\b[^.!?\n]{0,25})$`)

var (
	// repeatedPunct is "!!", "??", "?!" and longer runs.
	repeatedPunct = regexp.MustCompile(`[!?！？]{2,}`)
	// politeBefore makes "read the…" an invitation rather than a rebuke.
	politeBefore = regexp.MustCompile(`(?i)(?:you can|you may|you could|feel free to|want to|like to|please also|also)\s*$`)
)

const maxArguingWarnings = 6

func (r *run) arguing() {
	text := r.text
	n := 0
	for _, sp := range findPhrases(r.phrases(arguingPhrases), text, maxArguingWarnings) {
		if politeBefore.MatchString(text[max(0, sp.start-20):sp.start]) {
			continue
		}
		n++
		r.warn(sp.start, sp.end, "", "“%s” reads as arguing with the customer: state the facts and the next step, or do not engage.", text[sp.start:sp.end])
	}
	for _, sp := range r.shouting() {
		if n >= maxArguingWarnings {
			return
		}
		n++
		r.warn(sp.start, sp.end, strings.ToLower(text[sp.start:sp.end]), "Capitals read as shouting: write it in lower case.")
	}
	for _, m := range repeatedPunct.FindAllStringIndex(text, maxArguingWarnings) {
		if n >= maxArguingWarnings {
			return
		}
		n++
		fix := text[m[1]-1 : m[1]]
		if strings.ContainsAny(text[m[0]:m[1]], "?？") {
			fix = "?"
		}
		r.warn(m[0], m[1], fix, "“%s” can read as impatient or aggressive: one mark is enough.", text[m[0]:m[1]])
	}
}

// shouting returns runs of capitalised words: two or more words of ten letters or more in
// all, with a real word among them (so "DM US" or "UPS" are not shouting). One word in
// capitals ("AWESOME") is emphasis, not shouting.
func (r *run) shouting() []span {
	text := r.text
	skip := r.skips()
	dicts := r.c.spellDicts(r.in.Language)
	isWord := func(w string) bool {
		if len(dicts) == 0 {
			return len([]rune(w)) >= 4
		}
		return lookup(dicts, strings.ToLower(w))
	}
	var out []span
	var run []token
	flush := func() {
		defer func() { run = run[:0] }()
		if len(run) == 0 {
			return
		}
		letters, real := 0, false
		for _, w := range run {
			n := 0
			for _, c := range w.text {
				if unicode.IsLetter(c) {
					n++
				}
			}
			letters += n
			if n >= 4 && isWord(w.text) {
				real = true
			}
		}
		if real && len(run) >= 2 && letters >= 10 {
			out = append(out, span{run[0].start, run[len(run)-1].end})
		}
	}
	prevEnd := -1
	for _, w := range words(text) {
		if len(out) >= maxArguingWarnings {
			break
		}
		caps := isUpperWord(w.text) && !hasDigit(w.text) && !inSpans(skip, w.start)
		if !caps {
			flush()
			prevEnd = -1
			continue
		}
		// A sentence break ends the run.
		if prevEnd >= 0 && strings.ContainsAny(text[prevEnd:w.start], ".!?\n") {
			flush()
		}
		run = append(run, w)
		prevEnd = w.end
	}
	flush()
	return out
}
