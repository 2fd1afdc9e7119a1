//go:build race

package compose

// raceEnabled: the race detector slows regexp-heavy code about tenfold, so the corpus and
// hostile-input tests use a sample of their inputs.
const raceEnabled = true
