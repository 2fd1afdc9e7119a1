package routing

import (
	"bytes"
	"encoding/json"
	"slices"
)

// sortedKeys makes decoding errors deterministic: Go maps iterate in random order, and the
// first problem found is the one reported.
func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func isNull(v json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

func decodeString(key string, v json.RawMessage, dst *string) error {
	if err := json.Unmarshal(v, dst); err != nil || isNull(v) {
		return &Problem{Path: key, Message: "must be a string"}
	}
	return nil
}

func decodeBool(key string, v json.RawMessage, dst *bool) error {
	if err := json.Unmarshal(v, dst); err != nil || isNull(v) {
		return &Problem{Path: key, Message: "must be true or false"}
	}
	return nil
}

func decodeInt(key string, v json.RawMessage, dst *int) error {
	if err := json.Unmarshal(v, dst); err != nil || isNull(v) {
		return &Problem{Path: key, Message: "must be an integer"}
	}
	return nil
}
