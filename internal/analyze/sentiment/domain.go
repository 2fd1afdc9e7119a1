package sentiment

import (
	"fmt"
	"strings"
)

// domainLexicon adds or overrides single words for customer-service posts. Values use the
// VADER scale (-4..4). Each entry fixes a miss seen in support tweets: a complaint word VADER
// does not know ("outage", "overcharged") or a word whose general valence is wrong here.
var domainLexicon = map[string]float64{
	"refund":         -0.8, // asking for one means something went wrong
	"refunds":        -0.6,
	"refunded":       0.6,
	"canceled":       -1.0,
	"cancelation":    -0.8,
	"cancellation":   -0.8,
	"overcharged":    -2.0,
	"outage":         -1.8,
	"outages":        -1.8,
	"glitch":         -1.2,
	"glitches":       -1.2,
	"glitchy":        -1.5,
	"buggy":          -1.5,
	"laggy":          -1.3,
	"crashing":       -1.7,
	"crashes":        -1.7,
	"crashed":        -1.7,
	"unresolved":     -1.5,
	"unanswered":     -1.3,
	"scammed":        -2.5,
	"ripoff":         -2.2,
	"rip-off":        -2.2,
	"incompetent":    -2.3,
	"incompetence":   -2.3,
	"shambles":       -2.0,
	"fixed":          1.0,
	"sorted":         1.0, // "all sorted now, thanks"
	"resolved":       1.2,
	"lifesaver":      2.5,
	"seamless":       1.5,
	"shoutout":       1.5,
	"hassle-free":    1.8,
	"unprofessional": -2.0,
	"rude":           -2.0,
	"disgrace":       -2.5,
	"disgraceful":    -2.6,
	// Social-media words missing from the lexicon or with a valence that misleads here.
	"sigh":     -1.0, // lexicon +0.1
	"argh":     -1.5,
	"grr":      -1.5,
	"grrr":     -1.5,
	"fml":      -2.0,
	"yikes":    -1.0,
	"hungover": -1.2,
	"stoked":   2.2,
	"pumped":   1.5,
	"huzzah":   2.0,
	"ha":       1.0, // "Ha!" is laughter; the lexicon has only "haha"
	"whew":     1.0,
	// The lexicon file lists "d:" and "d=" twice (the distress emoticons "D:" and "D=", then a
	// tongue variant); a map keeps the last, positive one. Keep the distress reading.
	"d:": -2.9,
	"d=": -3.0,
}

// phrase is a multi-word expression with its own valence. The valence is put on the first word
// and the other words are skipped, so "thanks for nothing" is not read as "thanks".
type phrase struct {
	words   []string
	valence float64
}

var domainPhrases = []struct {
	text    string
	valence float64
}{
	{"thanks for nothing", -2.5},
	{"thank you for nothing", -2.5},
	{"never again", -2.5},
	{"still waiting", -1.8},
	{"been waiting", -1.2},
	{"keep waiting", -1.2},
	{"on hold", -1.0},
	{"hung up", -1.5},
	{"yet again", -1.0},
	{"waste of time", -2.2},
	{"waste of money", -2.2},
	{"no response", -1.5},
	{"no reply", -1.5},
	{"no answer", -1.3},
	{"no help", -1.8},
	{"still no", -1.2},
	{"still not", -1.2},
	{"not working", -1.8},
	{"not work", -1.8},
	{"stopped working", -1.9},
	{"doesn't work", -1.8},
	{"doesnt work", -1.8},
	{"does not work", -1.8},
	{"didn't work", -1.6},
	{"didnt work", -1.6},
	{"won't load", -1.5},
	{"wont load", -1.5},
	{"not loading", -1.5},
	{"above and beyond", 2.8},
	{"over the moon", 2.5},
	{"sort it out", 0},
	{"customer service", 0},
	{"no problem", 1.2},
	{"no worries", 1.2},
	{"no issues", 1.2},
	{"not bad", 1.4},
	{"could be worse", 0.6},
}

// outcomeVerbs carry no sentiment alone but a negated one is the typical complaint:
// "haven't received", "never arrived", "nobody replied".
var outcomeVerbs = map[string]bool{
	"received": true, "receive": true, "arrived": true, "arrive": true, "delivered": true,
	"shipped": true, "responded": true, "replied": true, "answered": true, "heard": true,
	"showed": true, "turned": true, "came": true, "come": true, "credited": true,
	"processed": true, "activated": true, "connected": true, "working": true, "works": true,
	"work": true, "loading": true, "load": true, "charging": true,
}

const negatedOutcome = -1.5

// emojiValences are direct valences for emoji whose VADER descriptions hold no lexicon word,
// which leaves the most common frustration emoji neutral.
var emojiValences = map[rune]float64{
	'🙄': -1.5, // face with rolling eyes
	'😤': -1.8, // face with steam from nose
	'😡': -2.5, // pouting face ("pouting" is not in the lexicon)
	'😠': -2.2, // angry face
	'🤬': -2.8, // face with symbols on mouth
	'👎': -1.8, // thumbs down
	'🤦': -1.5, // person facepalming
	'😒': -1.5, // unamused face
	'😩': -1.8, // weary face
	'😫': -1.8, // tired face
	'😑': -0.8, // expressionless face
	'🤷': -0.3, // person shrugging
	'👍': 1.5,  // thumbs up
	'🙌': 2.0,  // raising hands
	'👏': 1.5,  // clapping hands
	'💯': 1.8,  // hundred points
	'🥰': 2.8,  // smiling face with hearts
	'😍': 2.8,  // smiling face with heart-eyes
	'🙏': 1.2,  // folded hands: "thank you" in support threads
}

// contrastWords re-weight the clauses around them like "but" does in the reference.
var contrastWords = map[string]bool{"but": true, "however": true}

// softSarcasm phrases are praise that customers often use ironically; they flip the reading only
// when the same post also has complaint evidence.
var softSarcasm = [][]string{
	{"love", "how"}, {"gotta", "love"}, {"got", "to", "love"}, {"oh", "great"},
	{"just", "great"}, {"thanks", "a", "lot"}, {"so", "much", "for"}, {"just", "perfect"},
	{"great", "job"}, {"well", "done"},
}

// deadpanWords are praise words that, alone in a sentence ended by a full stop, are usually
// ironic next to bad news: "Great. Another delay."
var deadpanWords = map[string]bool{
	"great": true, "perfect": true, "wonderful": true, "fantastic": true, "brilliant": true,
	"awesome": true, "lovely": true, "nice": true, "yay": true, "super": true, "terrific": true,
	"excellent": true, "marvelous": true, "splendid": true, "fabulous": true, "cool": true,
}

// complaintCues show the post is a complaint even when its words are neutral.
// Plain negations are not cues: they are too common in genuine praise.
var complaintCues = map[string]bool{
	"still": true, "again": true, "hours": true, "days": true, "weeks": true, "waiting": true,
	"cancelled": true, "canceled": true, "delayed": true, "late": true, "broken": true,
	"lost": true, "missing": true, "charged": true, "twice": true, "ignored": true, "hold": true,
	"outage": true, "refund": true,
}

func (s *Scorer) addDomain() {
	for k, v := range domainLexicon {
		s.lexicon[k] = v
	}
	s.emojiTok = make(map[rune]string, len(emojiValences))
	for r, v := range emojiValences {
		tok := fmt.Sprintf("emoji%x", r)
		s.emojiTok[r] = tok
		s.lexicon[tok] = v
	}
	s.phrases = make(map[string][]phrase)
	for _, p := range domainPhrases {
		ws := strings.Fields(p.text)
		s.phrases[ws[0]] = append(s.phrases[ws[0]], phrase{words: ws, valence: p.valence})
	}
}

// markPhrases assigns phrase valences; the longest phrase at a position wins.
func (s *Scorer) markPhrases(words []word) {
	for i := 0; i < len(words); i++ {
		cands := s.phrases[words[i].key]
		best := -1
		for k, p := range cands {
			if i+len(p.words) > len(words) {
				continue
			}
			ok := true
			for j := 1; j < len(p.words); j++ {
				if words[i+j].key != p.words[j] {
					ok = false
					break
				}
			}
			if ok && (best < 0 || len(p.words) > len(cands[best].words)) {
				best = k
			}
		}
		if best < 0 {
			continue
		}
		p := cands[best]
		words[i].fixed, words[i].hasFixed = p.valence, true
		for j := 1; j < len(p.words); j++ {
			words[i+j].skip = true
		}
		i += len(p.words) - 1
	}
}

// outcomeValence scores a negated outcome verb ("still haven't received it").
func (s *Scorer) outcomeValence(words []word, i int) (float64, bool) {
	if !outcomeVerbs[words[i].key] {
		return 0, false
	}
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if s.negatedAt(words, j, i) || words[j].key == "nobody" || words[j].key == "no-one" {
			return negatedOutcome, true
		}
	}
	return 0, false
}

// contrastCheck extends the reference "but" rule to "however", pivoting on the last contrast
// word: in "X but Y but Z" the customer's final clause is what they mean.
func (s *Scorer) contrastCheck(words []word, sentiments []float64) {
	pivot := -1
	for i := range words {
		if contrastWords[words[i].key] {
			pivot = i
		}
	}
	if pivot >= 0 {
		weightAround(sentiments, pivot, butBefore, butAfter)
	}
}

// sarcasm flips a positive reading that is marked as sarcastic:
//   - explicitly: "#sarcasm", "/s", "#not";
//   - ironic praise ("love how", "thanks a lot", "great job") next to a complaint cue
//     ("still", "again", "hours", "cancelled"...);
//   - a one-word positive sentence ended by a full stop ("Great.", "Yay.") or a "thanks ... for"
//     whose object is negative ("thanks for ruining my week"), in a post with negative words.
func (s *Scorer) sarcasm(words []word, sentiments []float64, sum float64) (float64, bool) {
	if sum <= 0 {
		return sum, false
	}
	explicit, soft, cue, deadpan, neg := false, false, false, false, false
	for i, w := range words {
		if w.lower == "/s" || (w.tag && (w.key == "sarcasm" || w.key == "not")) {
			explicit = true
		}
		if complaintCues[w.key] {
			cue = true
		}
		if sentiments[i] < -0.5 {
			neg = true
		}
		if !soft {
			for _, sp := range softSarcasm {
				if matchAt(words, i, sp) {
					soft = true
					break
				}
			}
		}
		if deadpanWords[w.key] && w.fullStop && (i == 0 || words[i-1].clauseEnd) {
			deadpan = true
		}
		if (w.key == "thanks" || w.key == "thank") && s.negativeObject(words, i) {
			deadpan, neg = true, true
		}
	}
	if explicit || (soft && cue) || (deadpan && neg) {
		return -sum*0.7 - 0.5, true
	}
	return sum, false
}

// negativeObject reports a negative word within four words after "thanks ... for".
func (s *Scorer) negativeObject(words []word, i int) bool {
	seenFor := false
	for j := i + 1; j < len(words) && j <= i+5; j++ {
		if words[j].key == "for" {
			seenFor = true
			continue
		}
		if seenFor {
			if v, ok := s.lexicon[words[j].key]; ok && v < -1 {
				return true
			}
			if words[j].key == "ruining" || words[j].key == "wasting" {
				return true
			}
		}
		if words[j].clauseEnd {
			return false
		}
	}
	return false
}

func matchAt(words []word, i int, seq []string) bool {
	if i+len(seq) > len(words) {
		return false
	}
	for j, k := range seq {
		if words[i+j].key != k {
			return false
		}
	}
	return true
}
