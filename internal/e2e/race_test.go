//go:build race

package e2e

// raceEnabled builds the heed binary with -race too, and makes the harness
// fail a test whose child printed a data race report.
const raceEnabled = true
