package spam

import (
	"encoding/json"
	"fmt"
	"math"
	"sync"
)

// Delta is what one workspace has taught the spam model: per feature, how often agents marked
// a post containing it as spam or as not spam. Its evidence is added to the baseline's:
//
//	logit += strength · Σ ln((spam_f+1)/(ham_f+1)) / √(number of features of the post)
//
// so a feature seen in corrections of both kinds cancels out, a post repeatedly corrected one
// way flips after a few corrections (the test shows three suffice even against a confident
// baseline), and posts sharing only a few features with corrected ones move a little. The
// square root keeps long posts from drowning the baseline.
//
// A Delta is safe for concurrent use. Its JSON form is what the store persists per workspace.
type Delta struct {
	mu     sync.RWMutex
	counts map[string][2]uint32 // feature → [spam, ham]
	spam   int
	ham    int
}

const (
	deltaStrength = 1.0
	// maxDeltaLogit bounds a workspace's influence on any single post.
	maxDeltaLogit = 16
	// maxDeltaFeatures bounds memory and the persisted size; past it, features seen once are
	// dropped first.
	maxDeltaFeatures = 50000
)

// NewDelta returns an empty delta.
func NewDelta() *Delta { return &Delta{counts: make(map[string][2]uint32)} }

// Learn records an agent's verdict on text.
func (d *Delta) Learn(text string, spam bool) { d.LearnFeatures(Features(text), spam) }

// LearnFeatures is Learn for features already extracted.
func (d *Delta) LearnFeatures(feats []string, spam bool) {
	k := 1
	if spam {
		k = 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.counts == nil {
		d.counts = make(map[string][2]uint32)
	}
	for _, f := range feats {
		c := d.counts[f]
		if c[k] < math.MaxUint32 {
			c[k]++
		}
		d.counts[f] = c
	}
	if spam {
		d.spam++
	} else {
		d.ham++
	}
	if len(d.counts) > maxDeltaFeatures {
		d.prune()
	}
}

// prune drops features seen in a single correction; it runs with d.mu held.
func (d *Delta) prune() {
	for f, c := range d.counts {
		if c[0]+c[1] <= 1 {
			delete(d.counts, f)
		}
	}
}

// Logit returns the delta's evidence for a post's features.
func (d *Delta) Logit(feats []string) float64 {
	if d == nil || len(feats) == 0 {
		return 0
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if len(d.counts) == 0 {
		return 0
	}
	sum := 0.0
	for _, f := range feats {
		if c, ok := d.counts[f]; ok {
			sum += math.Log((float64(c[0]) + 1) / (float64(c[1]) + 1))
		}
	}
	z := deltaStrength * sum / math.Sqrt(float64(len(feats)))
	return math.Max(-maxDeltaLogit, math.Min(maxDeltaLogit, z))
}

// Corrections returns how many spam and not-spam verdicts the delta has learnt.
func (d *Delta) Corrections() (spam, ham int) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.spam, d.ham
}

// deltaJSON is the persisted form: version, totals and feature → [spam, ham] counts.
type deltaJSON struct {
	Version int                  `json:"version"`
	Spam    int                  `json:"spam"`
	Ham     int                  `json:"ham"`
	Counts  map[string][2]uint32 `json:"counts"`
}

// MarshalJSON encodes the delta for storage.
func (d *Delta) MarshalJSON() ([]byte, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	counts := d.counts
	if counts == nil {
		counts = map[string][2]uint32{}
	}
	return json.Marshal(deltaJSON{Version: FeatureVersion, Spam: d.spam, Ham: d.ham, Counts: counts})
}

// UnmarshalJSON decodes a stored delta. A delta learnt with other features is rejected rather
// than silently misapplied.
func (d *Delta) UnmarshalJSON(data []byte) error {
	var v deltaJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("spam delta: %w", err)
	}
	if v.Version != FeatureVersion {
		return fmt.Errorf("spam delta: feature version %d, want %d", v.Version, FeatureVersion)
	}
	if v.Counts == nil {
		v.Counts = make(map[string][2]uint32)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.counts, d.spam, d.ham = v.Counts, v.Spam, v.Ham
	return nil
}
