// Package datadir finds the team's shared evaluation data (shared/data, kept beside the
// repository root and never committed) for tests, benchmarks and the model generators.
package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// ErrNotFound means no shared/data directory was found above the working directory.
var ErrNotFound = errors.New("shared/data not found")

// Find walks up from the working directory and returns the first existing
// <ancestor>/shared/data/<sub> (for /work/main/internal/analyze that is /work/shared/data/<sub>).
// HEED_SHARED_DATA, when set, is used instead of the walk.
func Find(sub string) (string, error) {
	if env := os.Getenv("HEED_SHARED_DATA"); env != "" {
		p := filepath.Join(env, sub)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("datadir: %w", err)
		}
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("datadir: %w", err)
	}
	for {
		p := filepath.Join(dir, "shared", "data", sub)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("datadir: %s: %w", sub, ErrNotFound)
		}
		dir = parent
	}
}

// Require is Find for tests: it skips the test with a clear message when the data is absent.
func Require(tb testing.TB, sub string) string {
	tb.Helper()
	p, err := Find(sub)
	if err != nil {
		tb.Skipf("skipping: evaluation data %q is not available (%v); it lives in shared/data beside the repository", sub, err)
	}
	return p
}
