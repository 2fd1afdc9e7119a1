package spam

import (
	"math"
	"math/rand/v2"
	"slices"
)

// TrainOptions tunes Train; the zero value uses the defaults the committed model was built with.
type TrainOptions struct {
	Epochs   int     // default 30
	L2       float64 // default 1e-4
	Rate     float64 // AdaGrad base rate, default 0.3
	MinCount int     // features seen in fewer training examples are dropped; default 2
	Prune    float64 // weights with a smaller magnitude are dropped; default 0.05
	Seed     uint64  // shuffle seed, default 1
}

func (o *TrainOptions) defaults() {
	if o.Epochs == 0 {
		o.Epochs = 10
	}
	if o.L2 == 0 {
		o.L2 = 3e-3
	}
	if o.Rate == 0 {
		o.Rate = 0.3
	}
	if o.MinCount == 0 {
		o.MinCount = 2
	}
	if o.Prune == 0 {
		o.Prune = 0.05
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
}

// Train fits a logistic regression with AdaGrad and L2 regularisation. It is deterministic for
// given examples and options.
func Train(examples []Example, opts TrainOptions) *Baseline {
	opts.defaults()
	docs := make([][]string, len(examples))
	df := map[string]int{}
	for i, e := range examples {
		docs[i] = Features(e.Text)
		for _, f := range docs[i] {
			df[f]++
		}
	}
	index := map[string]int{}
	var names []string
	for f, n := range df {
		if n >= opts.MinCount {
			names = append(names, f)
		}
	}
	slices.Sort(names)
	for i, f := range names {
		index[f] = i
	}
	rows := make([][]int, len(docs))
	for i, d := range docs {
		for _, f := range d {
			if k, ok := index[f]; ok {
				rows[i] = append(rows[i], k)
			}
		}
	}
	w := make([]float64, len(names))
	g2 := make([]float64, len(names))
	var bias, biasG2 float64
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	for range opts.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			z := bias
			for _, k := range rows[i] {
				z += w[k]
			}
			y := 0.0
			if examples[i].Spam {
				y = 1
			}
			g := sigmoid(z) - y
			biasG2 += g * g
			bias -= opts.Rate * g / math.Sqrt(biasG2+1e-8)
			for _, k := range rows[i] {
				gk := g + opts.L2*w[k]
				g2[k] += gk * gk
				w[k] -= opts.Rate * gk / math.Sqrt(g2[k]+1e-8)
			}
		}
	}
	b := &Baseline{FeatureVersion: FeatureVersion, Bias: round(bias), Weights: map[string]float64{}}
	for k, f := range names {
		if math.Abs(w[k]) >= opts.Prune {
			b.Weights[f] = round(w[k])
		}
	}
	return b
}

// round keeps three decimals: plenty for a logit, and a compact file.
func round(x float64) float64 { return math.Round(x*1000) / 1000 }
