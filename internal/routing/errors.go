package routing

import (
	"strings"
)

// Problem is one invalid part of a rule, located by a path in the JSON shape of the rules, such
// as "rules[2].when.all[1]" or "rules[0].then[1]". The admin UI shows Message next to the part
// the Path names.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p *Problem) Error() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ValidationError lists every problem found in a rule set, in rule order, so that an admin can
// fix them all in one go rather than one per save.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("routing: ")
	for i := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Problems[i].Error())
	}
	return b.String()
}

// maxProblems bounds a ValidationError: past a few dozen, more messages help nobody and a
// hostile rule file could otherwise produce megabytes of them.
const maxProblems = 50

// problems collects Problems during decoding or compilation.
type problems struct {
	list []Problem
}

func (ps *problems) add(path, msg string) {
	if len(ps.list) < maxProblems {
		ps.list = append(ps.list, Problem{Path: path, Message: msg})
	}
}

// addErr records err, keeping the path of a *Problem under prefix.
func (ps *problems) addErr(prefix string, err error) {
	if p, ok := err.(*Problem); ok {
		ps.add(joinPath(prefix, p.Path), p.Message)
		return
	}
	ps.add(prefix, err.Error())
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps.list}
}

// joinPath appends a relative path ("all[1]", "[3]", "") to prefix.
func joinPath(prefix, rel string) string {
	switch {
	case rel == "":
		return prefix
	case prefix == "":
		return rel
	case rel[0] == '[':
		return prefix + rel
	}
	return prefix + "." + rel
}

// prefixed returns err with its *Problem path put under prefix, for errors that cross a JSON
// nesting level.
func prefixed(prefix string, err error) error {
	if p, ok := err.(*Problem); ok {
		return &Problem{Path: joinPath(prefix, p.Path), Message: p.Message}
	}
	return &Problem{Path: prefix, Message: err.Error()}
}
