// Package analyze is the analysis every inbound social post goes through before a person sees
// it: language, sentiment, spam (or not a customer), intent and whether it needs a response,
// personal data and whether to move the conversation private, and the author's influence.
// Virality is scored separately (Virality) whenever a connector reports engagement.
//
// Each detector lives in a sub-package (lang, sentiment, spam, intent, pii, influence) with its
// own tests, fuzzers and benchmarks; this package wires them behind one Analyzer and the JSON
// shape the API and `heed analyze` share. Measured accuracy and speed are in NOTES.md.
package analyze

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/analyze/influence"
	"github.com/heed-dev/heed/internal/analyze/intent"
	"github.com/heed-dev/heed/internal/analyze/lang"
	"github.com/heed-dev/heed/internal/analyze/pii"
	"github.com/heed-dev/heed/internal/analyze/sentiment"
	"github.com/heed-dev/heed/internal/analyze/spam"
)

// MaxInput is how much of a post is analysed: its first 64 KiB. Posts on every network are far
// shorter; the cap bounds the work on hostile input. Result.Truncated tells when it applied.
const MaxInput = 64 << 10

// Re-exported detector types, so callers need only this package.
type (
	// SpamModel is a workspace's learnt spam corrections (Learn, MarshalJSON, UnmarshalJSON).
	SpamModel = spam.Delta
	// Span is one piece of personal data, with byte offsets into the text.
	Span = pii.Span
	// Sentiment is a compound score in [-1, 1] and its label.
	Sentiment = sentiment.Score
	// Spam is a spam probability and label.
	Spam = spam.Result
	// EngagementSample is one reading of a post's engagement counters.
	EngagementSample = influence.EngagementSample
	// Norms are the usual engagement velocities of an author and of the brand account.
	Norms = influence.Norms
)

// NewSpamModel returns an empty workspace spam model.
func NewSpamModel() *SpamModel { return spam.NewDelta() }

// Options configures an Analyzer. The zero value is usable.
type Options struct {
	// Languages are the candidate languages (ISO 639-1); default lang.DefaultLanguages.
	Languages []string
	// PhoneRegions are the regions for phone numbers without a country code; default US, GB.
	PhoneRegions []string
	// OrderPattern is the order-number pattern for workspaces that set none.
	OrderPattern *regexp.Regexp
	// SpamBaseline replaces the embedded spam model when not nil.
	SpamBaseline *spam.Baseline
}

// Analyzer runs all detectors. It is immutable after New and safe for concurrent use.
type Analyzer struct {
	lang      *lang.Detector
	sentiment *sentiment.Scorer
	spam      *spam.Classifier
	pii       *pii.Detector
}

// New builds an Analyzer; it loads the embedded lexicon and model (a few milliseconds), so make
// one per process.
func New(opts Options) (*Analyzer, error) {
	ld, err := lang.New(lang.Options{Languages: opts.Languages})
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	sc, err := spam.NewClassifier(opts.SpamBaseline)
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	return &Analyzer{
		lang:      ld,
		sentiment: sentiment.New(sentiment.Options{}),
		spam:      sc,
		pii:       pii.New(pii.Options{PhoneRegions: opts.PhoneRegions, OrderPattern: opts.OrderPattern}),
	}, nil
}

// Input is one post to analyse.
type Input struct {
	ID   string
	Text string
	// Lang is an optional ISO 639-1 hint (platform metadata, the customer's history).
	Lang string
	// Network is the platform ("x", "instagram", "facebook", "whatsapp"...), for influence.
	Network   string
	Followers int64
	Verified  bool
	// Public is true for a post others can see; personal data in it sets MovePrivate.
	Public bool
	// OrderPattern is the workspace's order-number pattern (nil: Options.OrderPattern).
	OrderPattern *regexp.Regexp
	// Spam is the workspace's learnt spam model (nil: baseline only).
	Spam *SpamModel
}

// Result is the analysis of a post. Its JSON form is the API's and the CLI's.
type Result struct {
	ID                 string    `json:"id"`
	Language           string    `json:"language"`
	LanguageConfidence float64   `json:"language_confidence"`
	Sentiment          Sentiment `json:"sentiment"`
	Spam               Spam      `json:"spam"`
	// Intent is question, complaint, praise, chatter or request_<topic> (order, account,
	// billing, delivery, technical); Topic is set for any intent that names one.
	Intent        string  `json:"intent"`
	Topic         string  `json:"topic,omitempty"`
	NeedsResponse bool    `json:"needs_response"`
	PersonalData  []Span  `json:"personal_data"`
	MovePrivate   bool    `json:"move_private"`
	Influence     float64 `json:"influence"`
	// Truncated is set when only the first MaxInput bytes were analysed.
	Truncated bool `json:"truncated,omitempty"`
}

// Analyze runs every detector on in. It never fails: malformed text (invalid UTF-8, control
// characters) is analysed as well as it can be. Personal-data offsets index in.Text.
func (a *Analyzer) Analyze(ctx context.Context, in Input) Result {
	_ = ctx // reserved: detectors are CPU-bound and short; nothing to cancel yet
	text, truncated := in.Text, false
	if len(text) > MaxInput {
		cut := MaxInput
		for cut > MaxInput-utf8.UTFMax && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text, truncated = text[:cut], true
	}
	// Text detectors get valid UTF-8; the personal-data scan keeps the raw bytes so that its
	// offsets index the caller's text.
	clean := text
	if !utf8.ValidString(clean) {
		clean = strings.ToValidUTF8(clean, "\uFFFD")
	}
	r := Result{ID: in.ID, Truncated: truncated}
	lr := a.lang.Detect(clean, in.Lang)
	r.Language, r.LanguageConfidence = lr.Code, lr.Confidence
	r.Sentiment = a.sentiment.Score(clean)
	r.Spam = a.spam.Score(clean, in.Spam)
	it := intent.Classify(clean, r.Sentiment.Compound)
	r.Intent, r.Topic, r.NeedsResponse = it.Intent, it.Topic, it.NeedsResponse
	if r.Spam.Label {
		r.NeedsResponse = false // spam starts no SLA clock
	}
	r.PersonalData = a.pii.Find(text, in.OrderPattern)
	if r.PersonalData == nil {
		r.PersonalData = []Span{}
	}
	r.MovePrivate = in.Public && len(r.PersonalData) > 0
	r.Influence = round3(influence.Influence(in.Network, in.Followers, in.Verified))
	return r
}

func round3(x float64) float64 { return float64(int64(x*1000+sign(x)*0.5)) / 1000 }

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}

// Mask returns text with the spans masked byte for byte (the last four digits of a card stay).
func Mask(text string, spans []Span) string { return pii.Mask(text, spans) }

// Trend summarises a customer's recent compound scores, oldest first: their mean and the
// least-squares change per message (negative when the customer is getting angrier).
func Trend(scores []float64) (avg, slope float64) { return sentiment.Trend(scores) }

// Virality returns the risk in [0, 1] that a post is going viral from its engagement samples
// against the usual velocities; call it again whenever a connector reports new counts.
func Virality(posted time.Time, norms Norms, samples ...EngagementSample) float64 {
	return influence.Virality(posted, norms, samples...)
}
