package report

import "slices"

// Percentile returns the pct-th percentile (0 to 100) of values by linear
// interpolation between the closest ranks — the definition of numpy's
// default, R's type 7 and spreadsheets' PERCENTILE.INC: with the n values
// sorted as x[0] ≤ … ≤ x[n-1], h = (n-1)·pct/100 and the result is
// x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]). The median (pct 50) of an even count
// is therefore the mean of the two middle values; the p90 of 1…10 is 9.1.
//
// The rank is computed in integers, so no rounding error moves it. values is
// sorted in place. ok is false for no values.
func Percentile(values []int64, pct int) (v float64, ok bool) {
	return percentileOver(values, pct, 1)
}

// percentileOver is Percentile divided by div, computed as one exact integer
// numerator over one divisor, so the result is the correctly rounded
// quotient (as long as values stay below 2^53 / 100).
func percentileOver(values []int64, pct int, div int64) (float64, bool) {
	n := len(values)
	if n == 0 {
		return 0, false
	}
	if !slices.IsSorted(values) {
		slices.Sort(values)
	}
	pct = min(max(pct, 0), 100)
	num := int64(n-1) * int64(pct) // h = num / 100
	lo, rem := num/100, num%100
	v := values[lo] * 100
	if rem != 0 {
		v += rem * (values[lo+1] - values[lo])
	}
	return float64(v) / float64(100*div), true
}

// Stats are the median and 90th percentile of durations, in seconds; null
// (nil) for no durations.
type Stats struct {
	Median *float64 `json:"median"`
	P90    *float64 `json:"p90"`
}

// statsOf summarises durations given in milliseconds.
func statsOf(ms []int64) Stats {
	var s Stats
	if m, ok := percentileOver(ms, 50, 1000); ok {
		s.Median = ptr(m)
	}
	if p, ok := percentileOver(ms, 90, 1000); ok {
		s.P90 = ptr(p)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// ratio is num/den, nil when den is 0.
func ratio(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	return ptr(float64(num) / float64(den))
}
