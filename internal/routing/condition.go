package routing

import (
	"encoding/json"
	"fmt"
)

// Condition is one node of a rule's condition tree. Exactly one of All, Any, Not or Field is
// set; the zero Condition always holds. In JSON it is {"all":[…]}, {"any":[…]}, {"not":{…}},
// {"field":…, "op":…, "value":…} or {}.
//
// Value is what a leaf compares with, as JSON decodes it: a string, a float64, a bool or a
// []any of strings. Go callers may also use []string and any integer type.
type Condition struct {
	All   []Condition
	Any   []Condition
	Not   *Condition
	Field string
	Op    string
	Value any
}

// All returns a condition that holds when every one of cs holds.
func All(cs ...Condition) Condition { return Condition{All: nonNil(cs)} }

// Any returns a condition that holds when at least one of cs holds.
func Any(cs ...Condition) Condition { return Condition{Any: nonNil(cs)} }

// Not returns a condition that holds when c does not.
func Not(c Condition) Condition { return Condition{Not: &c} }

// Leaf returns the test of one field: Leaf("virality", "gte", 0.8).
func Leaf(field, op string, value any) Condition {
	return Condition{Field: field, Op: op, Value: value}
}

// nonNil keeps All() and Any() distinguishable from the zero Condition.
func nonNil(cs []Condition) []Condition {
	if cs == nil {
		return []Condition{}
	}
	return cs
}

// condJSON is the wire shape of a leaf, and of a malformed node (two forms at once), which
// is written with every form it has so that Compile still refuses it after a round trip.
type condJSON struct {
	All   []Condition `json:"all,omitempty"`
	Any   []Condition `json:"any,omitempty"`
	Not   *Condition  `json:"not,omitempty"`
	Field string      `json:"field,omitempty"`
	Op    string      `json:"op,omitempty"`
	Value any         `json:"value,omitempty"`
}

// MarshalJSON writes the node's own form. An empty all or any list is kept, so that All()
// survives a round trip (it holds, like {}, but the editor shows it as an empty group).
func (c Condition) MarshalJSON() ([]byte, error) {
	group := c.Not == nil && c.Field == "" && c.Op == "" && c.Value == nil
	switch {
	case group && c.All != nil && c.Any == nil:
		return json.Marshal(struct {
			All []Condition `json:"all"`
		}{c.All})
	case group && c.Any != nil && c.All == nil:
		return json.Marshal(struct {
			Any []Condition `json:"any"`
		}{c.Any})
	}
	return json.Marshal(condJSON(c))
}

// UnmarshalJSON decodes strictly: an unknown key is a *Problem rather than silently dropped,
// because a misspelt key ("feild") would otherwise leave {} behind, which matches every post.
func (c *Condition) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || raw == nil {
		return &Problem{Message: "condition must be an object"}
	}
	var out Condition
	for _, key := range sortedKeys(raw) {
		v := raw[key]
		var err error
		switch key {
		case "all":
			out.All, err = decodeConds(key, v)
		case "any":
			out.Any, err = decodeConds(key, v)
		case "not":
			if isNull(v) {
				return &Problem{Path: key, Message: "condition must be an object"}
			}
			var n Condition
			if err = n.UnmarshalJSON(v); err == nil {
				out.Not = &n
			} else {
				err = prefixed(key, err)
			}
		case "field":
			err = decodeString(key, v, &out.Field)
		case "op":
			err = decodeString(key, v, &out.Op)
		case "value":
			err = json.Unmarshal(v, &out.Value)
		default:
			err = &Problem{Message: fmt.Sprintf("unknown key %q (want all, any, not, or field, op, value)", key)}
		}
		if err != nil {
			return err
		}
	}
	*c = out
	return nil
}

func decodeConds(key string, v json.RawMessage) ([]Condition, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(v, &raws); err != nil || raws == nil {
		return nil, &Problem{Path: key, Message: "must be a list of conditions"}
	}
	out := make([]Condition, len(raws))
	for i, r := range raws {
		if err := out[i].UnmarshalJSON(r); err != nil {
			return nil, prefixed(fmt.Sprintf("%s[%d]", key, i), err)
		}
	}
	return out, nil
}
