// Package spam estimates whether a post is spam or otherwise not from a customer (promotions,
// channel plugs, scams), so it does not start an SLA clock.
//
// The baseline is a logistic regression over word, bigram and shape features (Features). Its
// parameters are committed as numbers in baseline.tsv, trained by `go run
// ./internal/analyze/spam/gen` on the training split (InTrain) of the UCI SMS Spam Collection
// and YouTube Spam Collection; the corpora themselves are not committed. Each workspace adds a
// Delta learnt online from its agents' corrections, which the store persists as JSON.
package spam

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// baseline.tsv holds the committed model: comment lines, "feature_version", "bias" and then one
// "feature<TAB>weight" line per feature, sorted, so that a retrain shows as a readable diff.
//
//go:embed baseline.tsv
var baselineTSV []byte

// FeatureVersion names the feature extraction a Baseline was trained with.
const FeatureVersion = 1

// Threshold is the probability from which a post is labelled spam.
const Threshold = 0.5

// maxLogit clamps the baseline's evidence so that a workspace's corrections can always
// outweigh it within a few examples.
const maxLogit = 8

// Baseline is a trained logistic-regression model.
type Baseline struct {
	FeatureVersion int
	Bias           float64
	Weights        map[string]float64
	// Trained describes the training data, for provenance.
	Trained string
}

// LoadBaseline decodes a model written by WriteTo.
func LoadBaseline(r io.Reader) (*Baseline, error) {
	b := &Baseline{Weights: make(map[string]float64, 16384)}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" {
			continue
		}
		if c, ok := strings.CutPrefix(text, "# trained: "); ok {
			b.Trained = c
			continue
		}
		if text[0] == '#' {
			continue
		}
		key, val, ok := strings.Cut(text, "\t")
		if !ok {
			return nil, fmt.Errorf("spam baseline: line %d: no tab", line)
		}
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return nil, fmt.Errorf("spam baseline: line %d: %w", line, err)
		}
		switch {
		case line <= 3 && key == "feature_version":
			b.FeatureVersion = int(v)
		case line <= 3 && key == "bias":
			b.Bias = v
		default:
			b.Weights[key] = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("spam baseline: %w", err)
	}
	if b.FeatureVersion != FeatureVersion {
		return nil, fmt.Errorf("spam baseline: feature version %d, want %d", b.FeatureVersion, FeatureVersion)
	}
	return b, nil
}

// WriteTo writes the model in the format LoadBaseline reads.
func (b *Baseline) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# trained: %s\n", strings.ReplaceAll(b.Trained, "\n", " "))
	fmt.Fprintf(&buf, "feature_version\t%d\nbias\t%s\n", b.FeatureVersion, strconv.FormatFloat(b.Bias, 'f', -1, 64))
	keys := make([]string, 0, len(b.Weights))
	for k := range b.Weights {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&buf, "%s\t%s\n", k, strconv.FormatFloat(b.Weights[k], 'f', -1, 64))
	}
	n, err := w.Write(buf.Bytes())
	return int64(n), err
}

// DefaultBaseline returns the embedded model.
func DefaultBaseline() (*Baseline, error) { return LoadBaseline(bytes.NewReader(baselineTSV)) }

// Logit returns the baseline evidence for the features.
func (b *Baseline) Logit(feats []string) float64 {
	z := b.Bias
	for _, f := range feats {
		z += b.Weights[f]
	}
	return z
}

// Result is a spam verdict.
type Result struct {
	Probability float64 `json:"probability"`
	Label       bool    `json:"label"`
}

// Classifier scores texts with a baseline and an optional workspace delta. It is immutable
// and safe for concurrent use.
type Classifier struct {
	base *Baseline
}

// NewClassifier returns a Classifier; a nil baseline means the embedded one.
func NewClassifier(base *Baseline) (*Classifier, error) {
	if base == nil {
		var err error
		if base, err = DefaultBaseline(); err != nil {
			return nil, err
		}
	}
	return &Classifier{base: base}, nil
}

// Score returns the spam probability of text; delta may be nil.
func (c *Classifier) Score(text string, delta *Delta) Result {
	feats := Features(text)
	z := math.Max(-maxLogit, math.Min(maxLogit, c.base.Logit(feats)+RuleLogit(text)))
	if delta != nil {
		z += delta.Logit(feats)
	}
	p := math.Round(sigmoid(z)*1e4) / 1e4 // label the rounded value, as the JSON shows it
	return Result{Probability: p, Label: p >= Threshold}
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
