package compose

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The name slots of a reply: after a greeting at the start ("Hi Maria,", "Thanks @maria!"),
// as the first word before a comma ("Maria, I'm sorry"), and as the last word of a sentence
// after a comma ("Thanks for waiting, Maria.").
var (
	greetingRe = regexp.MustCompile(`(?i)^(?:\s*@[\p{L}\p{N}_.]+)*[\s,]*` +
		`(?:hi|hello|hey|hiya|heya|howdy|dear|good (?:morning|afternoon|evening|day)|greetings|thanks(?: again| so much| a lot)?|thank you(?: so much)?|thx|welcome(?: back)?|` +
		`hola|buen(?:os|as) (?:días|dias|tardes|noches)|buenas|estimad[oa]|querid[oa]|gracias|` +
		`bonjour|bonsoir|salut|coucou|cher|chère|merci|` +
		`hallo|guten (?:tag|morgen|abend)|liebe[rs]?|sehr geehrte[rs]?|danke|moin|servus|hi)` +
		`(?:\s*,\s*|\s+)(?:(?:mr|mrs|ms|miss|mx|dr|sr|sra|srta|m|mme|mlle|herr|frau)\.?\s+)?` +
		`(@[\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+)*|[\p{L}][\p{L}\p{M}'’-]*)`)
	leadingNameRe = regexp.MustCompile(`^(?:\s*@[\p{L}\p{N}_.]+)*\s*(\p{Lu}[\p{L}\p{M}'’-]*)\s*,`)
	vocativeRe    = regexp.MustCompile(`,\s*(@?\p{Lu}[\p{L}\p{M}'’-]*)\s*(?:[.!?…]+|$|\n|[\x{1F300}-\x{1FAFF}\x{2600}-\x{27BF}])`)
	// A sign-off before the name makes it the agent's signature, not the addressee.
	signOffRe = regexp.MustCompile(`(?i)(?:^|[.!?\n]\s*)(?:thanks|thank you|many thanks|cheers|best|best wishes|all the best|regards|kind regards|warm regards|take care|talk soon|saludos|un saludo|atentamente|cordialement|bien à vous|amicalement|grüße|viele grüße|liebe grüße|lg|mfg|beste grüße)\s*$`)
	// Words that take a name's place without being one.
	notNames = map[string]bool{
		"there": true, "again": true, "all": true, "everyone": true, "everybody": true, "folks": true,
		"friend": true, "friends": true, "team": true, "guys": true, "y'all": true, "you": true,
		"for": true, "so": true, "very": true, "much": true, "a": true, "the": true, "both": true,
		"customer": true, "sir": true, "madam": true, "and": true, "back": true, "to": true,
		"in": true, "we": true, "i": true, "it": true, "we're": true, "i'm": true, "our": true,
		"your": true, "this": true, "that": true, "too": true, "yes": true, "no": true, "ok": true,
		"okay": true, "sure": true, "of": true, "on": true, "from": true, "with": true,
		"todos": true, "todas": true, "amigo": true, "amiga": true, "cliente": true, "por": true,
		"tout": true, "le": true, "la": true, "les": true, "vous": true, "pour": true, "madame": true,
		"monsieur": true, "à": true, "a+": true, "euch": true, "alle": true, "für": true,
		"zusammen": true, "kunde": true, "kundin": true,
		// Days and months end many sentences after a comma.
		"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
		"saturday": true, "sunday": true, "today": true, "tomorrow": true, "tonight": true,
		"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
		"july": true, "august": true, "september": true, "october": true, "november": true,
		"december": true,
		// Conjunctions that open a sentence after "Hello," ("Hello, If you have…").
		"if": true, "when": true, "as": true, "since": true, "while": true, "once": true,
		"unless": true, "because": true, "but": true, "or": true, "yet": true, "although": true,
		"here": true, "there's": true, "here's": true, "just": true, "hope": true,
		// Sentence openers before a comma.
		"unfortunately": true, "however": true, "also": true, "please": true, "sorry": true,
		"apologies": true, "great": true, "absolutely": true, "certainly": true, "thanks": true,
		"well": true, "hmm": true, "oh": true, "alright": true, "first": true, "next": true,
		"then": true, "finally": true, "meanwhile": true, "currently": true, "typically": true,
		"usually": true, "normally": true, "otherwise": true, "additionally": true,
		"understood": true, "done": true, "perfect": true, "awesome": true, "fortunately": true,
		"luckily": true, "honestly": true, "actually": true, "now": true, "hello": true, "hi": true,
		"hey": true, "lo": true, "hola": true, "gracias": true, "bonjour": true, "merci": true,
		"hallo": true, "danke": true, "bitte": true, "leider": true, "desafortunadamente": true,
		"lamentablemente": true, "malheureusement": true, "cependant": true, "sin": true,
	}
	// A vocative needs words addressing the customer in its sentence.
	addressingRe = compilePhrases(`you`, `your`, `thanks`, `thank`, `sorry`, `hope`, `welcome`,
		`enjoy`, `have a`, `te`, `tu`, `usted`, `gracias`, `vous`, `merci`, `sie`, `du`, `dir`,
		`danke`, `ihnen`)
)

// Name slots, from the weakest evidence that a word is a name to the strongest.
const (
	slotNone     = iota // only a name from OtherNames counts
	slotLeading         // "Maria, …": a capitalised word that is not a dictionary word ("Sadly,")
	slotVocative        // "…, Maria!" in a sentence addressing the customer: a capitalised word
	slotGreeting        // "Hi Maria": any capitalised word
)

// nameRef is one place where the reply names someone.
type nameRef struct {
	span
	name string
}

// customerNames returns the folded forms under which the customer may be addressed.
func customerNames(cu Customer) (names []string, handle string) {
	for _, w := range foldedWords(cu.Name) {
		names = append(names, w)
	}
	for _, w := range foldedWords(cu.FirstName) {
		names = append(names, w)
	}
	handle = fold(strings.TrimPrefix(strings.TrimSpace(cu.Handle), "@"))
	if handle != "" {
		for _, w := range strings.FieldsFunc(handle, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if utf8.RuneCountInString(w) >= 2 {
				names = append(names, w)
			}
		}
	}
	return names, handle
}

// firstName returns the name to greet the customer by.
func firstName(cu Customer) string {
	if f := strings.TrimSpace(cu.FirstName); f != "" {
		return f
	}
	if fs := strings.Fields(cu.Name); len(fs) > 0 {
		return fs[0]
	}
	if h := strings.TrimSpace(cu.Handle); h != "" {
		return "@" + strings.TrimPrefix(h, "@")
	}
	return ""
}

// isCustomer reports whether the folded name can address the customer: one of their names,
// their handle, a handle's word, a short form of a name ("Chris" for Christopher) or the
// start of a handle ("ana" for @anadiaz88).
func isCustomer(name string, names []string, handle string) bool {
	if name == "" {
		return false
	}
	if strings.HasPrefix(name, "@") {
		return handle != "" && name[1:] == handle
	}
	for _, n := range names {
		if n == name {
			return true
		}
		if utf8.RuneCountInString(name) >= 3 && utf8.RuneCountInString(n) >= 3 &&
			(strings.HasPrefix(n, name) || strings.HasPrefix(name, n)) {
			return true
		}
	}
	return utf8.RuneCountInString(name) >= 3 && strings.HasPrefix(handle, name)
}

// otherPeople maps the folded names, name words and handles of the other people in the thread
// to how OtherNames lists them.
func (r *run) otherPeople() map[string]string {
	out := map[string]string{}
	for _, n := range r.in.Customer.OtherNames {
		n = strings.TrimSpace(n)
		if strings.HasPrefix(n, "@") {
			out[fold(n)] = n
			continue
		}
		for _, w := range words(n) {
			out[fold(w.text)] = n
		}
	}
	return out
}

// someoneElse describes the person the word names.
func someoneElse(word, who string) string {
	if fold(word) == fold(who) {
		return "“" + word + "” is someone else in this thread"
	}
	return "“" + word + "” is " + who + ", someone else in this thread"
}

func (r *run) wrongName() {
	text := r.text
	names, handle := customerNames(r.in.Customer)
	others := r.otherPeople()
	agent := map[string]bool{}
	for _, w := range foldedWords(r.in.AgentName) {
		agent[w] = true
	}
	known := len(names) > 0
	fix := firstName(r.in.Customer)
	seen := map[int]bool{}
	flag := func(ref nameRef, why string) {
		if seen[ref.start] {
			return
		}
		seen[ref.start] = true
		if fix != "" {
			r.warn(ref.start, ref.end, fix, "%s: the customer is %s.", why, customerLabel(r.in.Customer))
		} else {
			r.warn(ref.start, ref.end, "", "%s.", why)
		}
	}
	dicts := r.c.spellDicts(r.in.Language)
	// judge flags a name in an addressing slot when it is not the customer's.
	judge := func(ref nameRef, slot int) {
		f := fold(strings.TrimRight(ref.name, "'’-"))
		if f == "" || notNames[f] || agent[f] {
			return
		}
		if isCustomer(f, names, handle) {
			return
		}
		if who, ok := others[f]; ok {
			flag(ref, someoneElse(ref.name, who))
			return
		}
		if !known || slot == slotNone {
			return
		}
		if strings.HasPrefix(f, "@") {
			flag(ref, "The reply addresses "+ref.name+", not the customer")
			return
		}
		if !isCapitalized(ref.name) {
			return
		}
		if slot == slotLeading && (len(dicts) == 0 || lookup(dicts, strings.ToLower(ref.name))) {
			return
		}
		flag(ref, "The reply greets “"+ref.name+"”")
	}

	if m := greetingRe.FindStringSubmatchIndex(text); m != nil {
		judge(nameRef{span{m[2], m[3]}, text[m[2]:m[3]]}, slotGreeting)
	}
	if m := leadingNameRe.FindStringSubmatchIndex(text); m != nil {
		judge(nameRef{span{m[2], m[3]}, text[m[2]:m[3]]}, slotLeading)
	}
	for _, sn := range r.sents() {
		sent := text[sn.start:sn.end]
		for _, m := range vocativeRe.FindAllStringSubmatchIndex(sent, 4) {
			ref := nameRef{span{sn.start + m[2], sn.start + m[3]}, text[sn.start+m[2] : sn.start+m[3]]}
			before := text[sn.start : sn.start+m[0]]
			if signOffRe.MatchString(before) && sn.end >= len(strings.TrimRight(text, " \n\t")) {
				// "Thanks, Mary" closing the reply is a signature.
				if _, other := others[fold(ref.name)]; !other {
					continue
				}
			}
			slot := slotNone
			if addressingRe.MatchString(sent) {
				slot = slotVocative
			}
			judge(ref, slot)
		}
	}
	// Anyone else from the thread named anywhere, and @mentions of them.
	if len(others) > 0 {
		for _, w := range words(text) {
			f := fold(w.text)
			if _, ok := others[f]; ok && !isCustomer(f, names, handle) && !agent[f] && !seen[w.start] {
				if w.start > 0 && text[w.start-1] == '@' {
					continue
				}
				flag(nameRef{w.span, w.text}, someoneElse(w.text, others[f]))
			}
		}
		for _, m := range handleRe.FindAllStringSubmatchIndex(text, 16) {
			h := text[m[2]:m[3]]
			if _, ok := others[fold(h)]; ok && fold(h[1:]) != handle {
				flag(nameRef{span{m[2], m[3]}, h}, someoneElse(h, others[fold(h)]))
			}
		}
	}
}

func customerLabel(cu Customer) string {
	name := strings.TrimSpace(cu.Name)
	if name == "" {
		name = strings.TrimSpace(cu.FirstName)
	}
	h := strings.TrimSpace(cu.Handle)
	if h != "" && !strings.HasPrefix(h, "@") {
		h = "@" + h
	}
	switch {
	case name != "" && h != "":
		return name + " (" + h + ")"
	case name != "":
		return name
	case h != "":
		return h
	}
	return "someone else"
}
