package inbox

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// CheckMode is what a workspace does with one composer check.
type CheckMode struct {
	Check string `json:"check"`
	Mode  string `json:"mode"` // store.CheckOff, CheckWarn or CheckBlock
}

// CheckModes lists every check with its effective mode for the workspace
// (the default where the admin chose nothing), in the composer's order.
func CheckModes(set store.ComposeSettings) []CheckMode {
	out := make([]CheckMode, 0, len(compose.Checks))
	for _, c := range compose.Checks {
		mode := set.Checks[c]
		if mode == "" {
			mode = store.CheckWarn
			if compose.DefaultBlocking[c] {
				mode = store.CheckBlock
			}
		}
		out = append(out, CheckMode{Check: c, Mode: mode})
	}
	return out
}

// checkerSettings turns the stored choices into the composer's Settings.
func checkerSettings(set store.ComposeSettings) compose.Settings {
	out := compose.Settings{Disabled: map[string]bool{}, Blocking: map[string]bool{}}
	for c, mode := range set.Checks {
		switch mode {
		case store.CheckOff:
			out.Disabled[c] = true
		case store.CheckWarn:
			out.Blocking[c] = false
		case store.CheckBlock:
			out.Blocking[c] = true
		}
	}
	return out
}

// SaveComposeSettings validates and stores an admin's choices: modes maps
// check names to off, warn or block (checks left out keep their default).
func (s *Service) SaveComposeSettings(ctx context.Context, actor model.Agent, modes map[string]string, blockingNeedsApproval bool) (store.ComposeSettings, error) {
	if !actor.Role.AtLeast(model.RoleAdmin) {
		return store.ComposeSettings{}, &ValidationError{Field: "role", Message: "only admins change the composer's checks"}
	}
	checks, err := ValidateCheckModes(modes)
	if err != nil {
		return store.ComposeSettings{}, err
	}
	set, err := s.store.PutComposeSettings(ctx, store.ComposeSettings{WorkspaceID: actor.WorkspaceID, Checks: checks, BlockingNeedsApproval: blockingNeedsApproval})
	if err != nil {
		return set, fmt.Errorf("save compose settings: %w", err)
	}
	return set, nil
}

// ValidateCheckModes checks an admin's choices (from a form or a JSON body):
// known check names, modes off, warn or block. The error is a
// *ValidationError naming the first bad entry.
func ValidateCheckModes(modes map[string]string) (map[string]string, error) {
	checks := make(map[string]string, len(modes))
	for _, c := range slices.Sorted(maps.Keys(modes)) { // the same entry is named on every try
		mode := modes[c]
		if !slices.Contains(compose.Checks, c) {
			return nil, &ValidationError{Field: "checks", Message: fmt.Sprintf("unknown check %q", clip(c, 60))}
		}
		if mode != store.CheckOff && mode != store.CheckWarn && mode != store.CheckBlock {
			return nil, &ValidationError{Field: "checks." + c, Message: "must be off, warn or block"}
		}
		checks[c] = mode
	}
	return checks, nil
}
