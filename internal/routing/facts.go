package routing

import "slices"

// Facts are what the pipeline knows about an inbound post and its conversation when it routes
// it. The caller computes everything, including InBusinessHours, so rules stay pure and
// testable against a sample.
type Facts struct {
	ChannelType       string   `json:"channel_type"` // "x", "facebook", "webchat", "api", …
	ChannelID         string   `json:"channel_id"`   // the connected account
	Public            bool     `json:"public"`
	Text              string   `json:"text"`
	Language          string   `json:"language"`        // ISO 639-1
	SentimentLabel    string   `json:"sentiment_label"` // positive, neutral, negative
	SentimentScore    float64  `json:"sentiment_score"` // -1 … 1
	Intent            string   `json:"intent"`          // see Intents
	NeedsResponse     bool     `json:"needs_response"`
	Spam              bool     `json:"spam"`
	PersonalData      bool     `json:"personal_data"`
	PersonalDataTypes []string `json:"personal_data_types"` // card, iban, phone, email, ssn, order
	AuthorFollowers   int64    `json:"author_followers"`
	AuthorVerified    bool     `json:"author_verified"`
	CustomerTags      []string `json:"customer_tags"`
	CustomerVIP       bool     `json:"customer_vip"`
	InBusinessHours   bool     `json:"in_business_hours"`
	Virality          float64  `json:"virality"` // 0 … 1
	Location          string   `json:"location"` // the store (or site) the post is about, if any
}

// intents are the values of Facts.Intent, as internal/analyze/intent reports them.
var intents = []string{
	"question", "complaint", "praise", "chatter",
	"request_order", "request_account", "request_billing", "request_delivery", "request_technical",
}

// sentimentLabels are the values of Facts.SentimentLabel.
var sentimentLabels = []string{"positive", "neutral", "negative"}

// Intents returns the values of Facts.Intent, for the rule editor.
func Intents() []string { return slices.Clone(intents) }

// SentimentLabels returns the values of Facts.SentimentLabel, for the rule editor.
func SentimentLabels() []string { return slices.Clone(sentimentLabels) }

// kind is the type of a condition field; it decides which ops apply.
type kind uint8

const (
	kindString kind = iota + 1
	kindText
	kindNumber
	kindBool
	kindList
)

func (k kind) String() string {
	switch k {
	case kindString:
		return "string"
	case kindText:
		return "text"
	case kindNumber:
		return "number"
	case kindBool:
		return "boolean"
	case kindList:
		return "list"
	}
	return "?"
}

type fieldID uint8

const (
	fChannelType fieldID = iota
	fChannelID
	fPublic
	fText
	fLanguage
	fSentimentLabel
	fSentimentScore
	fIntent
	fNeedsResponse
	fSpam
	fPersonalData
	fPersonalDataTypes
	fAuthorFollowers
	fAuthorVerified
	fCustomerTags
	fCustomerVIP
	fInBusinessHours
	fVirality
	fLocation
	numFields
)

// fieldDef describes a condition field. enum, when set, lists the only values a rule may
// compare with ("" also, for "not analysed"); min and max bound number values.
type fieldDef struct {
	name     string
	kind     kind
	enum     []string
	min, max float64
	bounded  bool
}

var fields = [numFields]fieldDef{
	fChannelType:       {name: "channel_type", kind: kindString},
	fChannelID:         {name: "channel_id", kind: kindString},
	fPublic:            {name: "public", kind: kindBool},
	fText:              {name: "text", kind: kindText},
	fLanguage:          {name: "language", kind: kindString},
	fSentimentLabel:    {name: "sentiment_label", kind: kindString, enum: sentimentLabels},
	fSentimentScore:    {name: "sentiment_score", kind: kindNumber, min: -1, max: 1, bounded: true},
	fIntent:            {name: "intent", kind: kindString, enum: intents},
	fNeedsResponse:     {name: "needs_response", kind: kindBool},
	fSpam:              {name: "spam", kind: kindBool},
	fPersonalData:      {name: "personal_data", kind: kindBool},
	fPersonalDataTypes: {name: "personal_data_types", kind: kindList},
	fAuthorFollowers:   {name: "author_followers", kind: kindNumber},
	fAuthorVerified:    {name: "author_verified", kind: kindBool},
	fCustomerTags:      {name: "customer_tags", kind: kindList},
	fCustomerVIP:       {name: "customer_vip", kind: kindBool},
	fInBusinessHours:   {name: "in_business_hours", kind: kindBool},
	fVirality:          {name: "virality", kind: kindNumber, min: 0, max: 1, bounded: true},
	fLocation:          {name: "location", kind: kindString},
}

var fieldByName = func() map[string]fieldID {
	m := make(map[string]fieldID, numFields)
	for i := range fields {
		m[fields[i].name] = fieldID(i)
	}
	return m
}()

// Fields returns the condition field names in Facts order, for the rule editor.
func Fields() []string {
	out := make([]string, numFields)
	for i := range fields {
		out[i] = fields[i].name
	}
	return out
}

// The accessors below are switches rather than closures or reflection: evaluation stays free of
// indirect calls and allocations.

func (f *Facts) str(id fieldID) string {
	switch id {
	case fChannelType:
		return f.ChannelType
	case fChannelID:
		return f.ChannelID
	case fText:
		return f.Text
	case fLanguage:
		return f.Language
	case fSentimentLabel:
		return f.SentimentLabel
	case fIntent:
		return f.Intent
	case fLocation:
		return f.Location
	}
	return ""
}

func (f *Facts) num(id fieldID) float64 {
	switch id {
	case fSentimentScore:
		return f.SentimentScore
	case fAuthorFollowers:
		return float64(f.AuthorFollowers)
	case fVirality:
		return f.Virality
	}
	return 0
}

func (f *Facts) boolean(id fieldID) bool {
	switch id {
	case fPublic:
		return f.Public
	case fNeedsResponse:
		return f.NeedsResponse
	case fSpam:
		return f.Spam
	case fPersonalData:
		return f.PersonalData
	case fAuthorVerified:
		return f.AuthorVerified
	case fCustomerVIP:
		return f.CustomerVIP
	case fInBusinessHours:
		return f.InBusinessHours
	}
	return false
}

func (f *Facts) list(id fieldID) []string {
	switch id {
	case fPersonalDataTypes:
		return f.PersonalDataTypes
	case fCustomerTags:
		return f.CustomerTags
	}
	return nil
}

// value returns the fact a field reads, for explanations.
func (f *Facts) value(id fieldID) any {
	switch fields[id].kind {
	case kindString, kindText:
		return f.str(id)
	case kindNumber:
		if id == fAuthorFollowers {
			return f.AuthorFollowers
		}
		return f.num(id)
	case kindBool:
		return f.boolean(id)
	case kindList:
		if l := f.list(id); l != nil {
			return l
		}
		return []string{}
	}
	return nil
}
