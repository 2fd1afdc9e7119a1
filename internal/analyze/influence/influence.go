// Package influence scores how far an author's voice carries (Influence) and how fast a post is
// taking off compared with what is usual (Virality), so that loud posts are escalated early.
// Both are pure functions: the pipeline calls Influence once per post, and Virality again
// whenever a connector reports new engagement counts.
package influence

import (
	"math"
	"strings"
	"time"
)

// referenceFollowers is, per network, the follower count that earns full influence: a large
// national account there. Audiences differ by an order of magnitude between networks, so a
// single scale would make every Mastodon user a nobody and every TikTok user a star.
var referenceFollowers = map[string]float64{
	"x":         1_000_000,
	"twitter":   1_000_000,
	"instagram": 1_000_000,
	"tiktok":    2_000_000,
	"youtube":   1_000_000,
	"facebook":  500_000,
	"threads":   500_000,
	"linkedin":  100_000,
	"bluesky":   200_000,
	"mastodon":  50_000,
	"reddit":    100_000, // karma stands in for followers
	"tumblr":    100_000,
	"pinterest": 500_000,
}

const defaultReference = 500_000

// verifiedBonus is added for a verified (or officially notable) account.
const verifiedBonus = 0.2

// Influence returns a score in [0, 1]: the author's followers on a log scale against the
// network's reference (1 follower is 0, the reference or more is 0.8), plus 0.2 when verified.
// Private channels (WhatsApp, Messenger, web chat) have no audience: pass followers 0.
func Influence(network string, followers int64, verified bool) float64 {
	ref, ok := referenceFollowers[strings.ToLower(network)]
	if !ok {
		ref = defaultReference
	}
	s := 0.0
	if followers > 0 {
		s = 0.8 * math.Min(1, math.Log1p(float64(followers))/math.Log1p(ref))
	}
	if verified {
		s += verifiedBonus
	}
	return math.Min(1, s)
}

// EngagementSample is a connector's reading of a post's counters at a time.
type EngagementSample struct {
	At      time.Time
	Likes   int64
	Replies int64
	Reposts int64 // retweets, shares, boosts, quotes
}

// weighted counts a repost as three likes and a reply as two: reposts carry a post to new
// audiences, replies pile on.
func (s EngagementSample) weighted() float64 {
	return float64(s.Likes) + 2*float64(s.Replies) + 3*float64(s.Reposts)
}

// Norms are the usual weighted engagement per minute (likes + 2×replies + 3×reposts) of the
// author's posts and of posts mentioning the brand account, from history. Zero means unknown.
type Norms struct {
	AuthorPerMinute  float64
	AccountPerMinute float64
}

// minNorm keeps a new author or account without history from making every like look viral.
const minNorm = 0.2

// absoluteHigh is a velocity that is high for any account: 60 weighted engagements a minute.
const absoluteHigh = 60.0

// Virality returns a risk in [0, 1] that a post is going viral, from its engagement samples
// (any order; at least two, or one plus the post time) against the norms. It uses the latest
// velocity and whether it is accelerating:
//
//   - relative: the latest velocity as a multiple of the larger norm, on a log scale where 1×
//     is 0 and 50× is 1;
//   - absolute: the velocity against absoluteHigh, so a post is risky at 60/min whatever the
//     norms say;
//   - acceleration: +0.15 when the latest velocity is at least double the previous one.
//
// posted is the post's creation time; a zero posted with a single sample returns 0.
func Virality(posted time.Time, norms Norms, samples ...EngagementSample) float64 {
	pts := make([]EngagementSample, 0, len(samples)+1)
	if !posted.IsZero() {
		pts = append(pts, EngagementSample{At: posted})
	}
	pts = append(pts, samples...)
	sortByTime(pts)
	// Velocities between consecutive readings at least 10 seconds apart.
	var vels []float64
	last := 0
	for i := 1; i < len(pts); i++ {
		dt := pts[i].At.Sub(pts[last].At).Minutes()
		if dt < 10.0/60 {
			continue
		}
		dv := pts[i].weighted() - pts[last].weighted()
		vels = append(vels, math.Max(0, dv)/dt)
		last = i
	}
	if len(vels) == 0 {
		return 0
	}
	v := vels[len(vels)-1]
	norm := math.Max(minNorm, math.Max(norms.AuthorPerMinute, norms.AccountPerMinute))
	rel := 0.0
	if ratio := v / norm; ratio > 1 {
		rel = math.Min(1, math.Log(ratio)/math.Log(50))
	}
	abs := math.Min(1, v/absoluteHigh)
	risk := math.Max(rel, abs)
	if len(vels) >= 2 && v > 0 && v >= 2*vels[len(vels)-2] {
		risk += 0.15
	}
	return math.Min(1, math.Round(risk*1000)/1000)
}

// sortByTime is an insertion sort: a handful of samples, and no allocation.
func sortByTime(s []EngagementSample) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].At.Before(s[j-1].At); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
