package compose

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	maxSpellWords    = 400 // words looked up per draft
	maxSpellWarnings = 40
	maxFixesPerDraft = 5 // misspellings that get a suggested fix
)

// britishRegions are the English regions whose spelling follows the en-GB dictionary.
var britishRegions = map[string]bool{"gb": true, "uk": true, "ie": true, "au": true, "nz": true, "za": true, "in": true}

// spellDicts returns the dictionaries for a conversation's language: the first decides and
// suggests; a word any of them accepts is right. English accepts both the US and the British
// dictionary (both spellings are correct English; the tag's region picks which comes first).
func (c *Checker) spellDicts(language string) []*dictionary {
	tag := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(language), "_", "-"))
	if tag == "" {
		tag = c.defaultLanguage
	}
	base, region, _ := strings.Cut(tag, "-")
	var keys []string
	switch {
	case base == "en" && britishRegions[region]:
		keys = []string{"en-gb", "en"}
	case base == "en":
		keys = []string{"en", "en-gb"}
	default:
		keys = []string{tag, base}
	}
	var out []*dictionary
	for _, k := range keys {
		if d := c.dicts[k]; d != nil && d.usable() && !containsDict(out, d) {
			out = append(out, d)
		}
	}
	return out
}

func containsDict(ds []*dictionary, d *dictionary) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

var (
	hashtagRe = regexp.MustCompile(`[#＃$][\p{L}\p{N}_]+`)
	emailRe   = regexp.MustCompile(`[^\s@<>()]+@[^\s@<>()]+`)
)

// skipSpans returns the parts of s that are not prose: links, e-mail addresses, @handles,
// #hashtags and $cashtags, merged and sorted for inSpans.
func skipSpans(s string) []span {
	out := urlSpans(s)
	for _, m := range handleRe.FindAllStringSubmatchIndex(s, -1) {
		out = append(out, span{m[2], m[3]})
	}
	for _, re := range []*regexp.Regexp{hashtagRe, emailRe} {
		for _, m := range re.FindAllStringIndex(s, -1) {
			out = append(out, span{m[0], m[1]})
		}
	}
	return mergeSpans(out)
}

// skips returns skipSpans of the draft, computed once.
func (r *run) skips() []span {
	if !r.skipsDone {
		r.skipped, r.skipsDone = skipSpans(r.text), true
	}
	return r.skipped
}

// nameWords returns the folded words of the names around the reply: they are spelled right
// whatever the dictionary says.
func (r *run) nameWords() map[string]bool {
	out := map[string]bool{}
	add := func(s string) {
		for _, w := range foldedWords(strings.TrimPrefix(s, "@")) {
			out[w] = true
		}
	}
	cu := r.in.Customer
	add(cu.Name)
	add(cu.FirstName)
	add(cu.Handle)
	for _, n := range cu.OtherNames {
		add(n)
	}
	add(r.in.AgentName)
	return out
}

// commonWords are right in every language: customer-care and technology words the Hunspell
// dictionaries lack, chat abbreviations, the greetings of the other languages, and German forms
// of "viel" that gospell v0.9.2 fails to derive from de.dic's "viel/Ake" (folded).
var commonWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`ok okay dm dms dm'd dm'ed pm rebook rebooked rebooking rebooks
		ethernet barcode barcodes wifi hotspot hotspots app apps email emails emailed emailing
		login logins logout signup voicemail voicemails smartphone smartphones username usernames
		hashtag hashtags online offline inbox inboxes screenshot screenshots unsubscribe timeframe
		timeframes mins pls plz thx btw fyi asap np aww awww hiya heya lol haha hehe yay woohoo
		emoji emojis livestream gamertag bluetooth modem modems firmware plugin plugins checkout
		ecommerce preorder preorders troubleshoot troubleshooting reinstall reinstalled uninstall
		uninstalled autopay subreddit selfie selfies wishlist cashback chatbot webchat unfollow
		hola gracias bonjour merci danke hallo ciao salut adios amigo
		viele vielen vieler vieles`) {
		m[w] = true
	}
	return m
}()

// spellWord is a word of the draft to look up.
type spellWord struct {
	token
	sentenceStart bool // first word of its sentence: capitals there say nothing
}

func (r *run) spelling() {
	names := r.nameWords()
	workspace := map[string]string{} // folded → as written
	exact := map[string]bool{}
	for _, ww := range r.in.WorkspaceWords {
		for _, w := range words(ww) {
			exact[w.text] = true
			workspace[fold(w.text)] = w.text
		}
	}
	cands := r.spellWords(exact, names)
	dicts := r.pickDicts(cands)
	if len(dicts) == 0 {
		return
	}
	warned, fixes := 0, 0
	for _, w := range cands {
		if warned >= maxSpellWarnings {
			return
		}
		if spelledRight(dicts, w.text) {
			continue
		}
		if canon := nearWorkspaceWord(w.text, workspace); canon != "" {
			warned++
			r.warn(w.start, w.end, canon, "Brand or product name: write “%s”.", canon)
			continue
		}
		if (isCapitalized(w.text) && !w.sentenceStart && !capitalizesNouns(dicts[0].lang)) || hasInnerCapital(w.text) {
			continue // a name or a product: add it to the workspace words to have it checked
		}
		fix := ""
		if fixes < maxFixesPerDraft {
			fixes++
			fix = dicts[0].fix(strings.ReplaceAll(w.text, "’", "'"))
		}
		warned++
		if fix != "" {
			r.warn(w.start, w.end, fix, "Possible misspelling: “%s” (did you mean “%s”?).", w.text, fix)
		} else {
			r.warn(w.start, w.end, "", "Possible misspelling: “%s” is not in the %s dictionary.", w.text, dicts[0].lang)
		}
	}
}

// spellWords returns the words of the draft to look up: prose, not links, handles, hashtags,
// codes, acronyms, signatures, names around the conversation or workspace words.
func (r *run) spellWords(exact, names map[string]bool) []spellWord {
	text := r.text
	skip := r.skips()
	starts := map[int]bool{}
	for _, s := range r.sents() {
		starts[s.start] = true
	}
	var out []spellWord
	for _, w := range words(text) {
		if len(out) >= maxSpellWords {
			break
		}
		if inSpans(skip, w.start) || signatureMark(text, w.start) {
			continue
		}
		if !checkable(w.text) || exact[w.text] || names[fold(w.text)] || commonWords[fold(w.text)] {
			continue
		}
		first := starts[w.start]
		if !first {
			// The sentence may open with quotes or brackets.
			i := w.start
			for i > 0 {
				c, size := utf8.DecodeLastRuneInString(text[:i])
				if !strings.ContainsRune("\"'“‘(¡¿«", c) {
					break
				}
				i -= size
			}
			first = starts[i]
		}
		out = append(out, spellWord{w, first})
	}
	return out
}

// signatureMark reports whether the word at i follows a signature or bullet mark at the start
// of a chunk ("^JK", "-Mary", "~Derrick", "*DannyHarvey", "/LS").
func signatureMark(text string, i int) bool {
	c, size := utf8.DecodeLastRuneInString(text[:i])
	if size == 0 || !strings.ContainsRune("^*~/-–—", c) {
		return false
	}
	j := i - size
	return j == 0 || text[j-1] == ' ' || text[j-1] == '\n' || text[j-1] == '\t'
}

// Language guessing: when more than guessShare of the first guessWords words are unknown to
// the conversation's dictionary, the reply is probably in another language; the dictionary
// that knows most of them is used instead, or none when none knows three in four.
const (
	guessWords  = 40
	guessShare  = 0.4
	guessGiveUp = 0.6
)

func (r *run) pickDicts(cands []spellWord) []*dictionary {
	dicts := r.c.spellDicts(r.in.Language)
	sample := cands[:min(len(cands), guessWords)]
	if len(sample) < 5 {
		return dicts
	}
	unknown := func(ds []*dictionary) float64 {
		bad := 0
		for _, w := range sample {
			if !spelledRight(ds, w.text) {
				bad++
			}
		}
		return float64(bad) / float64(len(sample))
	}
	share := 1.0
	if len(dicts) > 0 {
		share = unknown(dicts)
	}
	if share <= guessShare {
		return dicts
	}
	// A reply with many typos is still in its language: switch only to a dictionary that
	// knows clearly more, and give up only when the words are mostly unknown.
	var best []*dictionary
	bestShare := 1.0
	for _, lang := range r.c.Languages() {
		if strings.Contains(lang, "-") {
			continue // variants come with their base language
		}
		ds := r.c.spellDicts(lang)
		if len(ds) == 0 || (len(dicts) > 0 && ds[0] == dicts[0]) {
			continue
		}
		if s := unknown(ds); s < bestShare {
			best, bestShare = ds, s
		}
	}
	switch {
	case bestShare <= 0.25 && bestShare < share/2:
		return best
	case share >= guessGiveUp:
		return nil
	}
	return dicts
}

// capitalizesNouns reports whether the language writes every noun with a capital, so that a
// capital says nothing about a word being a name.
func capitalizesNouns(lang string) bool { return strings.HasPrefix(lang, "de") }

// nearWorkspaceWord returns the workspace word that w misspells: the same word in other
// capitals, or one (two for long words) edit away.
func nearWorkspaceWord(w string, workspace map[string]string) string {
	if len(workspace) == 0 {
		return ""
	}
	f := fold(w)
	if canon, ok := workspace[f]; ok {
		return canon
	}
	n := utf8.RuneCountInString(f)
	if n < 4 {
		return ""
	}
	limit := 1
	if n >= 7 {
		limit = 2
	}
	best, bestD := "", limit+1
	for k, canon := range workspace {
		if utf8.RuneCountInString(k) < 4 {
			continue
		}
		if d := editDistance(f, k, limit); d < bestD || (d == bestD && canon < best) {
			best, bestD = canon, d
		}
	}
	return best
}

// editDistance returns the Levenshtein distance of a and b, or limit+1 when it is larger.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if abs(len(ra)-len(rb)) > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if low > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit+1)
}

// checkable reports whether a word is prose to look up: not a code or number, not an
// acronym, in the Latin script, of 2 to 40 letters.
func checkable(w string) bool {
	n := utf8.RuneCountInString(w)
	if n < 2 || n > 40 || hasDigit(w) || strings.ContainsRune(w, '_') || isUpperWord(w) {
		return false
	}
	for _, c := range w {
		if unicode.IsLetter(c) && !unicode.Is(unicode.Latin, c) {
			return false
		}
	}
	return true
}

// spelledRight looks w up: as written, then without a possessive 's, then part by part when
// it is hyphenated.
func spelledRight(dicts []*dictionary, w string) bool {
	w = strings.NewReplacer("’", "'", "ʼ", "'").Replace(w)
	if lookup(dicts, w) {
		return true
	}
	if base, ok := strings.CutSuffix(w, "'s"); ok && base != "" && lookup(dicts, base) {
		return true
	}
	if strings.Contains(w, "-") {
		parts := strings.Split(w, "-")
		for i, part := range parts {
			if i < len(parts)-1 && hyphenPrefixes[strings.ToLower(part)] {
				continue
			}
			if checkable(part) && !commonWords[fold(part)] && !spelledRight(dicts, part) {
				return false
			}
		}
		return true
	}
	return false
}

// hyphenPrefixes stand before a hyphen without being words ("pre-order", "co-worker").
var hyphenPrefixes = map[string]bool{"pre": true, "re": true, "co": true, "non": true, "multi": true,
	"anti": true, "self": true, "ex": true, "post": true, "sub": true, "e": true, "un": true, "mid": true}

func lookup(dicts []*dictionary, w string) bool {
	for _, d := range dicts {
		if d.spell(w) {
			return true
		}
	}
	return false
}
