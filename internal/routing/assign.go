package routing

import (
	"strings"
	"time"
)

// Agent availability.
const (
	Online  = "online"
	Away    = "away"
	Offline = "offline"
)

// Candidate is an agent that auto_assign may pick, as the caller sees them now.
type Candidate struct {
	AgentID      string
	Availability string // Online, Away or Offline
	Capacity     int    // most open conversations at once; 0 takes none
	Load         int    // open conversations assigned now
	Languages    []string
	ChannelTypes []string // skills; empty means every channel
	Locations    []string // stores (or sites) the agent works at
	// LastAssignedAt breaks ties in favour of whoever waited longest; zero means never.
	LastAssignedAt time.Time
}

// Need is what a post asks of its agent.
type Need struct {
	Language    string // empty: any agent
	ChannelType string // empty: any agent
	Location    string // empty: no store preference
}

// NeedFor returns the need of the post f describes.
func NeedFor(f Facts) Need {
	return Need{Language: f.Language, ChannelType: f.ChannelType, Location: f.Location}
}

// Pick chooses the agent for a post, or reports false when nobody can take it now (the post
// stays queued). The rules, in order:
//
//   - only online agents, and never beyond capacity (Load < Capacity);
//   - skills: an agent who lists languages must speak the post's language (en matches en-GB),
//     one who lists channel types must handle the post's channel;
//   - location: when the post is about a location and some eligible agents work there, only
//     they are considered: a store's own staff get its posts. When none of them can take it
//     now (all offline or full), the post goes to everyone else rather than waiting, since its
//     SLA clock runs;
//   - balance: the lowest Load/Capacity wins, then the lower Load, then whoever was assigned
//     longest ago, then the smaller AgentID, so the result never depends on the order of cands.
func Pick(cands []Candidate, need Need) (agentID string, ok bool) {
	var best, bestLocal *Candidate
	for i := range cands {
		c := &cands[i]
		if !c.eligible(need) {
			continue
		}
		if best == nil || c.before(best) {
			best = c
		}
		if need.Location != "" && containsFold(c.Locations, need.Location) &&
			(bestLocal == nil || c.before(bestLocal)) {
			bestLocal = c
		}
	}
	if bestLocal != nil {
		return bestLocal.AgentID, true
	}
	if best != nil {
		return best.AgentID, true
	}
	return "", false
}

func (c *Candidate) eligible(need Need) bool {
	if c.Availability != Online || c.Load >= c.Capacity {
		return false
	}
	if need.Language != "" && len(c.Languages) > 0 && !speaks(c.Languages, need.Language) {
		return false
	}
	if need.ChannelType != "" && len(c.ChannelTypes) > 0 && !containsFold(c.ChannelTypes, need.ChannelType) {
		return false
	}
	return true
}

// before orders candidates for Pick. Ratios compare by cross-multiplication, exact where
// floats would round (1/3 against 2/6).
func (c *Candidate) before(d *Candidate) bool {
	if l, r := int64(c.Load)*int64(d.Capacity), int64(d.Load)*int64(c.Capacity); l != r {
		return l < r
	}
	if c.Load != d.Load {
		return c.Load < d.Load
	}
	if !c.LastAssignedAt.Equal(d.LastAssignedAt) {
		return c.LastAssignedAt.Before(d.LastAssignedAt)
	}
	return c.AgentID < d.AgentID
}

// speaks compares primary language subtags: an agent listing en takes en-GB posts and one
// listing pt-BR takes pt posts.
func speaks(langs []string, lang string) bool {
	p := primaryTag(lang)
	for _, l := range langs {
		if strings.EqualFold(primaryTag(l), p) {
			return true
		}
	}
	return false
}

func primaryTag(tag string) string {
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		return tag[:i]
	}
	return tag
}
