package sla

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/model"
)

func TestDefaultPoliciesFollowTheDesignTable(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		channel   string
		policy    string
		warn, max time.Duration
		sameDay   bool
	}{
		{ChannelX, "x", 15 * time.Minute, 30 * time.Minute, false},
		{ChannelFacebook, "facebook_instagram", 25 * time.Minute, day, false},
		{ChannelInstagram, "facebook_instagram", 25 * time.Minute, day, false},
		{ChannelMessenger, "messaging", 5 * time.Minute, time.Hour, false},
		{ChannelInstagramDM, "messaging", 5 * time.Minute, time.Hour, false},
		{ChannelWhatsApp, "messaging", 5 * time.Minute, time.Hour, false},
		{ChannelTelegram, "messaging", 5 * time.Minute, time.Hour, false},
		{ChannelWebchat, "messaging", 5 * time.Minute, time.Hour, false},
		{ChannelLinkedIn, "same_business_day", 0, day, true},
		{ChannelYouTube, "same_business_day", 0, day, true},
		{ChannelPinterest, "same_business_day", 0, day, true},
		{ChannelYelp, "same_business_day", 0, day, true},
		{ChannelReviews, "same_business_day", 0, day, true},
		{ChannelTumblr, "open_social", time.Hour, day, false},
		{ChannelMastodon, "open_social", time.Hour, day, false},
		{ChannelBluesky, "open_social", time.Hour, day, false},
		{ChannelReddit, "reddit", 2 * time.Hour, day, false},
		{ChannelAPI, "default", time.Hour, day, false},
		{"snapchat", "default", time.Hour, day, false}, // anything else
	}
	ps := DefaultPolicies()
	if err := ValidatePolicies(ps); err != nil {
		t.Fatalf("default policies do not validate: %v", err)
	}
	for _, tc := range tests {
		p := PolicyFor(ps, tc.channel)
		want := Target{Warn: tc.warn, Max: tc.max, SameBusinessDay: tc.sameDay}
		if p.Name != tc.policy || p.FirstResponse != want || p.NextResponse != want {
			t.Errorf("%s: policy %s first %+v next %+v, want %s with %+v", tc.channel, p.Name, p.FirstResponse, p.NextResponse, tc.policy, want)
		}
		if p.BusinessHoursOnly || p.Resolution != (Target{Warn: day, Max: 3 * day}) {
			t.Errorf("%s: business hours only %v, resolution %+v", tc.channel, p.BusinessHoursOnly, p.Resolution)
		}
	}
	// Fresh slices each call: a caller editing its copy changes nothing.
	ps[0].ChannelTypes[0] = "changed"
	if DefaultPolicies()[0].ChannelTypes[0] != ChannelX {
		t.Error("DefaultPolicies shares its slices between calls")
	}
	if p := PolicyFor(nil, ChannelX); p.Name != "default" {
		t.Errorf("PolicyFor(no policies) = %s, want the built-in default", p.Name)
	}
}

// The shared channel type strings must match the connectors'.
func TestChannelTypesMatchModel(t *testing.T) {
	if ChannelAPI != model.ChannelAPI || ChannelWebchat != model.ChannelWebchat {
		t.Errorf("channel types drifted from model: %q/%q vs %q/%q", ChannelAPI, ChannelWebchat, model.ChannelAPI, model.ChannelWebchat)
	}
}

func TestPolicyJSON(t *testing.T) {
	p := PolicyFor(DefaultPolicies(), ChannelX)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"name":"x","channel_types":["x"],"first_response":{"warn":900,"max":1800},"next_response":{"warn":900,"max":1800},"resolution":{"warn":86400,"max":259200},"business_hours_only":false}`
	if string(b) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", b, want)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.FirstResponse != p.FirstResponse || back.Resolution != p.Resolution || back.Name != p.Name {
		t.Errorf("round trip = %+v", back)
	}
	sbd, _ := json.Marshal(PolicyFor(DefaultPolicies(), ChannelYelp).FirstResponse)
	if string(sbd) != `{"warn":0,"max":86400,"same_business_day":true}` {
		t.Errorf("same-business-day target JSON = %s", sbd)
	}
	for _, bad := range []string{`{"warn":-1,"max":10}`, `{"warn":1.5,"max":10}`, `{"warn":"900"}`, `{"max":9223372036854775807}`} {
		var tg Target
		if err := json.Unmarshal([]byte(bad), &tg); err == nil {
			t.Errorf("Unmarshal(%s) succeeded, want an error", bad)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name string
		ps   []Policy
		want string
	}{
		{"warn after max", []Policy{{Name: "p", FirstResponse: Target{Warn: time.Hour, Max: time.Minute}}},
			"first_response: warn 1h0m0s is later than max 1m0s"},
		{"negative", []Policy{{Name: "p", Resolution: Target{Max: -time.Second}}}, "resolution: warn and max must not be negative"},
		{"no name", []Policy{{}}, "name: required"},
		{"channel claimed twice", []Policy{{Name: "a", ChannelTypes: []string{"x"}}, {Name: "b", ChannelTypes: []string{"x"}}},
			`policies[1] (b): channel type "x" already belongs to policy a`},
		{"two fallbacks", []Policy{{Name: "a", ChannelTypes: []string{AnyChannel}}, {Name: "b", ChannelTypes: []string{AnyChannel}}},
			`channel type "*" already belongs to policy a`},
	}
	for _, tc := range tests {
		err := ValidatePolicies(tc.ps)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ValidatePolicies = %v, want %q", tc.name, err, tc.want)
		}
	}
}
