package sla

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Channel types the default policies name. They are the connectors' type
// strings (model.ChannelAPI and model.ChannelWebchat today, the social
// connectors as they land); a test keeps the shared ones in step with model.
const (
	ChannelX           = "x"
	ChannelFacebook    = "facebook" // page posts and comments
	ChannelInstagram   = "instagram"
	ChannelMessenger   = "messenger"
	ChannelInstagramDM = "instagram_dm"
	ChannelWhatsApp    = "whatsapp"
	ChannelTelegram    = "telegram"
	ChannelWebchat     = "webchat"
	ChannelLinkedIn    = "linkedin"
	ChannelYouTube     = "youtube"
	ChannelPinterest   = "pinterest"
	ChannelYelp        = "yelp"
	ChannelReviews     = "reviews" // review sites (Google, Trustpilot, app stores…)
	ChannelTumblr      = "tumblr"
	ChannelMastodon    = "mastodon"
	ChannelBluesky     = "bluesky"
	ChannelReddit      = "reddit"
	ChannelAPI         = "api"

	// AnyChannel in Policy.ChannelTypes makes a policy the fallback for
	// channel types no other policy names.
	AnyChannel = "*"
)

// Target is one SLA target. Warn is the service standard: by when the reply
// (or resolution) should be out; crossing it raises a warning. Max is the
// maximum; crossing it is a breach. Zero means "no such threshold". Warn is
// never later than Max: a later Warn is clamped to Max.
//
// SameBusinessDay replaces Warn by the close of the business day on which the
// clock started (EndOfBusinessDay), for channels whose standard is "same
// business day" (LinkedIn, YouTube, Pinterest, Yelp, review sites).
//
// JSON counts in whole seconds: {"warn":900,"max":1800}.
type Target struct {
	Warn            time.Duration
	Max             time.Duration
	SameBusinessDay bool
}

type targetJSON struct {
	Warn            int64 `json:"warn"`
	Max             int64 `json:"max"`
	SameBusinessDay bool  `json:"same_business_day,omitempty"`
}

// MarshalJSON implements json.Marshaler (seconds; sub-second parts dropped).
func (t Target) MarshalJSON() ([]byte, error) {
	return json.Marshal(targetJSON{int64(t.Warn / time.Second), int64(t.Max / time.Second), t.SameBusinessDay})
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Target) UnmarshalJSON(b []byte) error {
	var v targetJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("sla: target: %w", err)
	}
	const most = int64(1<<63-1) / int64(time.Second)
	if v.Warn < 0 || v.Max < 0 || v.Warn > most || v.Max > most {
		return fmt.Errorf("sla: target: warn and max are seconds between 0 and %d", most)
	}
	*t = Target{time.Duration(v.Warn) * time.Second, time.Duration(v.Max) * time.Second, v.SameBusinessDay}
	return nil
}

// IsZero reports whether the target sets no threshold at all.
func (t Target) IsZero() bool { return t.Warn <= 0 && t.Max <= 0 && !t.SameBusinessDay }

func (t Target) validate(field string) []error {
	var errs []error
	if t.Warn < 0 || t.Max < 0 {
		errs = append(errs, fmt.Errorf("%s: warn and max must not be negative", field))
	}
	if !t.SameBusinessDay && t.Warn > 0 && t.Max > 0 && t.Warn > t.Max {
		errs = append(errs, fmt.Errorf("%s: warn %s is later than max %s", field, t.Warn, t.Max))
	}
	return errs
}

// Policy is an SLA policy: three targets and the channel types it covers.
//
// BusinessHoursOnly makes the clocks count open time only (the workspace's
// business hours); otherwise they count calendar time, which is what social
// customers experience. Same-business-day warnings use the business hours
// either way, since "business day" means nothing without them.
type Policy struct {
	Name              string   `json:"name"`
	ChannelTypes      []string `json:"channel_types"`
	FirstResponse     Target   `json:"first_response"`
	NextResponse      Target   `json:"next_response"`
	Resolution        Target   `json:"resolution"`
	BusinessHoursOnly bool     `json:"business_hours_only"`
}

// AppliesTo reports whether the policy names channelType (AnyChannel does not
// count here; see PolicyFor).
func (p Policy) AppliesTo(channelType string) bool {
	return slices.Contains(p.ChannelTypes, channelType)
}

// Validate checks the targets.
func (p Policy) Validate() error {
	var errs []error
	if p.Name == "" {
		errs = append(errs, errors.New("name: required"))
	}
	errs = append(errs, p.FirstResponse.validate("first_response")...)
	errs = append(errs, p.NextResponse.validate("next_response")...)
	errs = append(errs, p.Resolution.validate("resolution")...)
	return errors.Join(errs...)
}

// ValidatePolicies checks each policy and that no channel type (nor
// AnyChannel) is claimed by two policies, which would make PolicyFor depend on
// list order.
func ValidatePolicies(ps []Policy) error {
	var errs []error
	owner := map[string]string{}
	for i, p := range ps {
		if err := p.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("policies[%d] (%s): %w", i, p.Name, err))
		}
		for _, ct := range p.ChannelTypes {
			if o, dup := owner[ct]; dup {
				errs = append(errs, fmt.Errorf("policies[%d] (%s): channel type %q already belongs to policy %s", i, p.Name, ct, o))
				continue
			}
			owner[ct] = p.Name
		}
	}
	return errors.Join(errs...)
}

// PolicyFor picks the policy for a channel type: the one that names it, else
// the one with AnyChannel, else the built-in default (60 min / 24 h), so a
// conversation on a brand-new connector is never without an SLA.
func PolicyFor(ps []Policy, channelType string) Policy {
	for _, p := range ps {
		if p.AppliesTo(channelType) {
			return p
		}
	}
	for _, p := range ps {
		if p.AppliesTo(AnyChannel) {
			return p
		}
	}
	return defaultPolicy()
}

// Resolution targets are not in the design's table (it sets first-response
// targets only). A day to resolve with a warning, three days at most, is the
// usual helpdesk default; admins tune it per policy.
var defaultResolution = Target{Warn: 24 * time.Hour, Max: 72 * time.Hour}

// respond builds a policy whose next-response target equals its first-response
// target: every customer message waiting for an answer deserves the same
// promptness as the first.
func respond(name string, first Target, channels ...string) Policy {
	return Policy{
		Name:          name,
		ChannelTypes:  channels,
		FirstResponse: first,
		NextResponse:  first,
		Resolution:    defaultResolution,
	}
}

func defaultPolicy() Policy {
	return respond("default", Target{Warn: time.Hour, Max: 24 * time.Hour}, ChannelAPI, AnyChannel)
}

// DefaultPolicies returns the policies seeded from the design's per-channel
// first-response table (target / maximum). Each call returns fresh slices.
// All count calendar time (BusinessHoursOnly false): social customers do not
// keep office hours, and the table's maxima are absolute.
func DefaultPolicies() []Policy {
	return []Policy{
		respond("x", Target{Warn: 15 * time.Minute, Max: 30 * time.Minute}, ChannelX),
		respond("facebook_instagram", Target{Warn: 25 * time.Minute, Max: 24 * time.Hour},
			ChannelFacebook, ChannelInstagram),
		respond("messaging", Target{Warn: 5 * time.Minute, Max: time.Hour},
			ChannelMessenger, ChannelInstagramDM, ChannelWhatsApp, ChannelTelegram, ChannelWebchat),
		respond("same_business_day", Target{Max: 24 * time.Hour, SameBusinessDay: true},
			ChannelLinkedIn, ChannelYouTube, ChannelPinterest, ChannelYelp, ChannelReviews),
		respond("open_social", Target{Warn: time.Hour, Max: 24 * time.Hour},
			ChannelTumblr, ChannelMastodon, ChannelBluesky),
		respond("reddit", Target{Warn: 2 * time.Hour, Max: 24 * time.Hour}, ChannelReddit),
		defaultPolicy(),
	}
}
