// Package compose holds the reply composer's pre-send checks: pure functions over a draft reply
// and what the composer knows about the conversation, returning warnings with byte offsets into
// the draft. Nothing here touches the database or the network; the API handler gathers the
// Input and serialises the Result.
//
// The ten checks (their names are the "check" values of the JSON result):
//
//	spelling              Hunspell dictionaries (embedded from npm dictionary-* packages) + workspace words
//	wrong_name            greets or names someone other than the customer
//	boilerplate           (nearly) the same words as a saved reply or a reply sent to another customer
//	acknowledgement_only  promises to look into it but answers nothing
//	deflection            sends the customer to phone, e-mail, DM or a store without a reason
//	personal_data         card, IBAN, SSN, phone, e-mail or street address in a public reply
//	empathy               the customer is upset and the reply acknowledges nothing
//	arguing               confrontational wording, shouting, "!!" and "??"
//	length                over the channel's limit (counted as the platform counts), markup the channel shows raw
//	consistency           compensation over the policy or out of line with similar resolved conversations
//
// A Checker is built once (New loads or prepares the dictionaries) and is safe for concurrent
// use. Every check looks at no more than MaxInput bytes of the draft and runs in time linear in
// it; the spelling check looks up at most maxSpellWords words.
package compose

import (
	"cmp"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/heed-dev/heed/internal/analyze/pii"
)

// Check names: the "check" field of a Warning and the keys of Settings.
const (
	CheckSpelling            = "spelling"
	CheckWrongName           = "wrong_name"
	CheckBoilerplate         = "boilerplate"
	CheckAcknowledgementOnly = "acknowledgement_only"
	CheckDeflection          = "deflection"
	CheckPersonalData        = "personal_data"
	CheckEmpathy             = "empathy"
	CheckArguing             = "arguing"
	CheckLength              = "length"
	CheckConsistency         = "consistency"
)

// Checks lists every check in the order the composer runs them (read only).
var Checks = []string{
	CheckSpelling, CheckWrongName, CheckBoilerplate, CheckAcknowledgementOnly, CheckDeflection,
	CheckPersonalData, CheckEmpathy, CheckArguing, CheckLength, CheckConsistency,
}

// DefaultBlocking lists the checks that block sending unless Settings.Blocking says otherwise
// (read only).
var DefaultBlocking = map[string]bool{CheckPersonalData: true}

// MaxInput is the number of leading bytes of a draft that the checks read (the length check
// counts the whole draft). Replies are far shorter (X allows 280 characters, a Facebook
// comment 8,000); the cap bounds the work on hostile input.
const MaxInput = 16 << 10

// Warning is one finding. Start and End are byte offsets into Input.Text (End exclusive); a
// warning about the whole reply (boilerplate, empathy) spans all of it (all that was read, for a
// draft longer than MaxInput). Fix, when present, is a suggested replacement for
// Text[Start:End].
type Warning struct {
	Check    string `json:"check"`
	Message  string `json:"message"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Blocking bool   `json:"blocking"`
	Fix      string `json:"fix,omitempty"`
}

// Result is the body of POST /api/v1/compose/check: {"warnings":[...]}, never null.
type Result struct {
	Warnings []Warning `json:"warnings"`
}

// Customer is who the reply is for.
type Customer struct {
	Name      string // display name, "Ana Diaz"
	FirstName string // "Ana"; when empty, the first word of Name
	Handle    string // "@ana_d" or "ana_d"
	// OtherNames are the names and handles of other people in the thread (other commenters,
	// people the customer mentioned), who must not be greeted by mistake.
	OtherNames []string
}

// SavedReply is one of the workspace's saved replies.
type SavedReply struct {
	Name string
	Text string
}

// RecentReply is a reply recently sent by the team, used to spot copy-paste answers.
type RecentReply struct {
	Text           string
	ConversationID string
	CustomerName   string
}

// Compensation kinds.
const (
	KindRefund      = "refund"
	KindCredit      = "credit"
	KindDiscount    = "discount"
	KindReplacement = "replacement"
)

// Precedent is what was offered in a similar resolved conversation. Currency is an ISO 4217
// code ("USD", "EUR") or "%" for a percentage discount; Amount is 0 for a replacement.
type Precedent struct {
	Amount         float64
	Currency       string
	Kind           string
	ConversationID string
}

// CompensationLimit is the most an agent may offer of one kind without approval.
type CompensationLimit struct {
	Kind     string
	Currency string // ISO 4217 code, or "%" for a percentage
	Max      float64
}

// CompensationPolicy is the workspace's rulebook for compensation.
type CompensationPolicy struct {
	Limits []CompensationLimit
	// Currency is the code a bare "$" (or "kr", "¥") in a reply stands for; default USD for
	// "$", GBP for "£", EUR for "€", JPY for "¥".
	Currency string
}

// Settings are the workspace admin's choices: a check in Disabled does not run; a check in
// Blocking blocks sending when true and only warns when false (absent: DefaultBlocking).
type Settings struct {
	Disabled map[string]bool
	Blocking map[string]bool
}

// Input is a draft reply and its context.
type Input struct {
	Text           string
	Public         bool   // the reply will be visible to everyone (a public post or comment)
	ChannelType    string // "x", "facebook", "instagram", "messenger", "webchat"... (see plainChannels)
	MaxLength      int    // the channel's limit in its own unit (X: weighted characters); 0 = none
	Language       string // the conversation's language, ISO 639-1 or a BCP 47 tag ("en", "en-GB", "fr-CA")
	ConversationID string // this conversation, so that its own earlier replies are not boilerplate

	Customer  Customer
	AgentName string // the signing agent: their name in a sign-off is not a wrong name

	CustomerNegative      bool // the customer's latest message is negative
	ThreadHasPersonalData bool // the thread needs personal data (so moving to private is justified)
	ThreadNeedsAccount    bool // the issue needs the customer's account (ditto)

	SavedReplies  []SavedReply
	RecentReplies []RecentReply
	Compensations []Precedent // offers made in similar resolved conversations
	Policy        CompensationPolicy

	// WorkspaceWords are brand and product names that are spelled right ("iPhone", "AcmePay").
	WorkspaceWords []string
	// PublicContacts are the brand's own phone numbers, e-mail addresses, e-mail domains
	// ("acme.com") and addresses, which may appear in public replies.
	PublicContacts []string

	Settings Settings
}

// Options configures a Checker.
type Options struct {
	// Languages limits the spelling dictionaries to these ("en", "en-gb", "es", "fr", "de");
	// nil means every dictionary present in FS.
	Languages []string
	// Preload loads the dictionaries in New, in parallel. Otherwise each loads on first use
	// (0.15–0.7 s and 28–55 MB each).
	Preload bool
	// DefaultLanguage is used when Input.Language is empty. Default "en".
	DefaultLanguage string
	// FS holds <lang>.aff and <lang>.dic files. Default: the embedded dict directory.
	FS fs.FS
	// BoilerplateThreshold is the word-trigram Jaccard similarity from which a reply counts as
	// a copy. Default 0.8.
	BoilerplateThreshold float64
	// PhoneRegions are passed to the personal data detector (pii.Options).
	PhoneRegions []string
}

// Checker runs the checks. It is immutable after New apart from the dictionaries' internal
// caches, which are guarded, and is safe for concurrent use.
type Checker struct {
	dicts           map[string]*dictionary // by language key ("en", "en-gb"...)
	defaultLanguage string
	threshold       float64
	pii             *pii.Detector
	shingles        shingleCache
}

// New builds a Checker. With Options.Preload it loads every dictionary and returns the first
// error; otherwise a dictionary that fails to load on first use disables spelling for its
// language (see Checker.Languages).
func New(opts Options) (*Checker, error) {
	fsys := opts.FS
	if fsys == nil {
		sub, err := fs.Sub(embedded, "dict")
		if err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
		fsys = sub
	}
	c := &Checker{
		defaultLanguage: strings.ToLower(cmp.Or(opts.DefaultLanguage, "en")),
		threshold:       cmp.Or(opts.BoilerplateThreshold, 0.8),
		pii:             pii.New(pii.Options{PhoneRegions: opts.PhoneRegions}),
	}
	dicts, err := findDictionaries(fsys, opts.Languages)
	if err != nil {
		return nil, err
	}
	c.dicts = dicts
	if opts.Preload {
		if err := c.preload(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Languages returns the languages whose dictionaries are present, sorted. A language whose
// dictionary failed to load is left out.
func (c *Checker) Languages() []string {
	var out []string
	for k, d := range c.dicts {
		if d.usable() {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Check runs every enabled check on in and returns the warnings ordered by position, never nil.
func (c *Checker) Check(in Input) []Warning {
	text := in.Text
	if len(text) > MaxInput {
		text = truncateUTF8(text, MaxInput)
	}
	r := &run{c: c, in: &in, text: text, warnings: make([]Warning, 0, 4)}
	for _, name := range Checks {
		if in.Settings.Disabled[name] {
			continue
		}
		r.check = name
		r.blocking = DefaultBlocking[name]
		if b, ok := in.Settings.Blocking[name]; ok {
			r.blocking = b
		}
		checkFuncs[name](r)
	}
	slices.SortStableFunc(r.warnings, func(a, b Warning) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	return r.warnings
}

// Result wraps Check for the API.
func (c *Checker) Result(in Input) Result { return Result{Warnings: c.Check(in)} }

var checkFuncs = map[string]func(*run){
	CheckSpelling:            (*run).spelling,
	CheckWrongName:           (*run).wrongName,
	CheckBoilerplate:         (*run).boilerplate,
	CheckAcknowledgementOnly: (*run).acknowledgementOnly,
	CheckDeflection:          (*run).deflection,
	CheckPersonalData:        (*run).personalData,
	CheckEmpathy:             (*run).empathy,
	CheckArguing:             (*run).arguing,
	CheckLength:              (*run).length,
	CheckConsistency:         (*run).consistency,
}

// run is the state of one Check call.
type run struct {
	c        *Checker
	in       *Input
	text     string // in.Text cut to MaxInput
	check    string
	blocking bool
	warnings []Warning

	sentences []span // lazily computed by sents
	skipped   []span // lazily computed by skips
	skipsDone bool
	counts    map[string]int
}

// maxWarningsPerCheck bounds the warnings of one check (spelling has its own, larger cap).
const maxWarningsPerCheck = 20

func (r *run) warn(start, end int, fix, format string, args ...any) {
	if r.counts == nil {
		r.counts = map[string]int{}
	}
	r.counts[r.check]++
	if r.check != CheckSpelling && r.counts[r.check] > maxWarningsPerCheck {
		return
	}
	r.warnings = append(r.warnings, Warning{
		Check: r.check, Message: fmt.Sprintf(format, args...),
		Start: start, End: end, Blocking: r.blocking, Fix: fix,
	})
}

// whole returns the span of the whole draft.
func (r *run) whole() (int, int) { return 0, len(r.text) }

// lang returns the base language of the conversation ("en", "es"...).
func (r *run) lang() string {
	l := strings.ToLower(cmp.Or(r.in.Language, r.c.defaultLanguage))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	return l
}

// phrases returns the compiled phrase list of a check for the conversation's language, plus
// English (agents often answer in English whatever the thread's language).
func (r *run) phrases(set map[string]*regexp.Regexp) []*regexp.Regexp {
	out := []*regexp.Regexp{set["en"]}
	if l := r.lang(); l != "en" && set[l] != nil {
		out = append(out, set[l])
	}
	return out
}
