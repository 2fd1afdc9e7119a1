// Package intent tells what an inbound post wants: an answer (question), redress (complaint),
// something done (request, with the topic it is about), nothing (praise, chatter), and whether
// it needs a response at all, so that "love this brand!" does not start an SLA clock.
//
// Intent values are flat strings so a routing rule can match one field: question, complaint,
// praise, chatter, and request_order, request_account, request_billing, request_delivery,
// request_technical. Topic is reported separately for every intent (a complaint about billing
// routes to billing too). Rules are keyword and phrase cues in English plus the topic nouns of
// the other default languages; '?' marks a question in any language.
package intent

import (
	"strings"
	"unicode"
)

// Intents.
const (
	Question  = "question"
	Complaint = "complaint"
	Praise    = "praise"
	Chatter   = "chatter"
	Request   = "request" // prefix; the intent is Request + "_" + topic
)

// Topics.
const (
	TopicOrder     = "order"
	TopicAccount   = "account"
	TopicBilling   = "billing"
	TopicDelivery  = "delivery"
	TopicTechnical = "technical"
)

// maxInput bounds the bytes examined: intent is stated early in a post.
const maxInput = 4 << 10

// Result is the classification of one post.
type Result struct {
	Intent        string `json:"intent"`
	Topic         string `json:"topic,omitempty"`
	NeedsResponse bool   `json:"needs_response"`
}

// cue kinds.
const (
	kQuestion = 1 << iota
	kComplaint
	kPraise
	kRequest
	kOrder
	kAccount
	kBilling
	kDelivery
	kTechnical
)

// topicOrder decides between topics when several match: money first (it is what customers
// most need resolved and most often must be handled privately), then where the goods are,
// then access, then the product working, then the order in general.
var topicOrder = []struct {
	kind  int
	topic string
}{
	{kBilling, TopicBilling}, {kDelivery, TopicDelivery}, {kAccount, TopicAccount},
	{kTechnical, TopicTechnical}, {kOrder, TopicOrder},
}

// Classify returns the intent of text; compound is its sentiment score in [-1, 1].
func Classify(text string, compound float64) Result {
	if len(text) > maxInput {
		text = text[:maxInput]
	}
	words, letters := tokenize(text)
	if letters < 2 {
		return Result{Intent: Chatter}
	}
	kinds := 0
	for i := range words {
		kinds |= cueKinds[words[i]]
		for _, p := range phraseIndex[words[i]] {
			if matchAt(words, i, p.words) {
				kinds |= p.kind
			}
		}
	}
	if len(words) > 0 && kinds&kQuestion == 0 && questionStarts[words[0]] && len(words) >= 3 {
		kinds |= kQuestion
	}
	if strings.ContainsAny(text, "?¿") {
		kinds |= kQuestion
	}
	topic := ""
	for _, t := range topicOrder {
		if kinds&t.kind != 0 {
			topic = t.topic
			break
		}
	}
	complaint := kinds&kComplaint != 0 || compound <= -0.05
	r := Result{Topic: topic, NeedsResponse: true}
	switch {
	case kinds&kRequest != 0 && topic != "":
		r.Intent = Request + "_" + topic
	case complaint:
		r.Intent = Complaint
	case kinds&kQuestion != 0:
		r.Intent = Question
	case kinds&kRequest != 0:
		// Asked for help without saying with what: an answer is due.
		r.Intent = Question
	case kinds&kPraise != 0 || compound >= 0.3:
		r.Intent, r.NeedsResponse = Praise, false
	case topic != "":
		// A bare statement about an order, a bill...: the customer expects it to be handled.
		r.Intent = Request + "_" + topic
	default:
		r.Intent, r.NeedsResponse = Chatter, false
	}
	return r
}

// tokenize lower-cases text into words of letters, digits and apostrophes, skipping @handles
// and links, and counts letters.
func tokenize(text string) ([]string, int) {
	words := make([]string, 0, 24)
	letters := 0
	for _, f := range strings.Fields(text) {
		if f[0] == '@' || strings.Contains(f, "://") {
			continue
		}
		if f[0] == '#' {
			f = f[1:]
		}
		start := -1
		for i, r := range f {
			ok := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’'
			if unicode.IsLetter(r) {
				letters++
			}
			if ok && start < 0 {
				start = i
			} else if !ok && start >= 0 {
				words = append(words, normalize(f[start:i]))
				start = -1
			}
		}
		if start >= 0 {
			words = append(words, normalize(f[start:]))
		}
	}
	return words, letters
}

func normalize(w string) string {
	return strings.ReplaceAll(strings.ToLower(w), "’", "'")
}

func matchAt(words []string, i int, seq []string) bool {
	if i+len(seq) > len(words) {
		return false
	}
	for j, w := range seq {
		if words[i+j] != w {
			return false
		}
	}
	return true
}
