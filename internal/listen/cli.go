package listen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadRules reads a rules file: one rule per line as id<TAB>query, blank
// lines and lines starting with # skipped. Errors name the line, and for a
// query that does not parse, the column within the query.
func ReadRules(r io.Reader) ([]Rule, error) {
	var rules []Rule
	var lines []int
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if trimmed := strings.TrimSpace(line); trimmed == "" || trimmed[0] == '#' {
			continue
		}
		id, query, ok := strings.Cut(line, "\t")
		id = strings.TrimSpace(id)
		if !ok || id == "" {
			return nil, fmt.Errorf("rules line %d: want id<TAB>query", n)
		}
		rules = append(rules, Rule{ID: id, Query: query})
		lines = append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("rules line %d: %w", n+1, err)
	}
	// Compile once here so that errors carry line numbers; the result is
	// thrown away, and compiling again in NewMatcher is cheap next to I/O.
	if _, err := compile(rules); err != nil {
		var re *RuleError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("rules line %d (rule %q): %w", lines[re.Index], re.ID, re.Err)
		}
		return nil, err
	}
	return rules, nil
}

// Summary counts what Stream did.
type Summary struct {
	Lines   int // input lines read, blank ones included
	Posts   int // posts matched against the rules
	Matched int // posts that matched at least one rule (lines written)
	Skipped int // lines that were not a valid post
}

// InputError reports input lines that Stream skipped. It is returned only
// after the whole stream was processed, so one bad line never stops a
// firehose, yet no line is lost silently.
type InputError struct {
	Summary
	FirstLine int   // line number of the first skipped line
	First     error // why it was skipped
}

func (e *InputError) Error() string {
	return fmt.Sprintf("listen: skipped %d of %d input lines that were not valid posts (first: line %d: %v)",
		e.Skipped, e.Lines, e.FirstLine, e.First)
}

// maxLine bounds one input line, so memory stays constant whatever comes in.
const maxLine = 1 << 20

// RunCLI is `heed listen`: it reads rules (see ReadRules) from rulesFile,
// then posts as JSON lines from in, and writes {"id":…,"rules":[…]} to out
// for every post that matches, with rule IDs in rule-file order. Lines that
// are not valid posts (bad JSON, no id, longer than 1 MiB) are skipped and
// counted; if there were any, the result is an *InputError once the input
// is exhausted. Cancelling ctx stops it between lines.
func RunCLI(ctx context.Context, rulesFile io.Reader, in io.Reader, out io.Writer) error {
	rules, err := ReadRules(rulesFile)
	if err != nil {
		return err
	}
	m, err := NewMatcher(rules)
	if err != nil {
		return err
	}
	_, err = Stream(ctx, m, in, out)
	return err
}

// Stream matches JSON-lines posts from in against m and writes one JSON line
// per matching post to out. See RunCLI for the formats and errors. Output is
// flushed whenever the input has nothing more buffered, so a live pipe sees
// matches promptly.
func Stream(ctx context.Context, m *Matcher, in io.Reader, out io.Writer) (Summary, error) {
	var (
		sum     Summary
		inErr   *InputError
		post    Post
		matches []string
		long    []byte
		tooLong bool
		br      = bufio.NewReaderSize(in, 64<<10)
		bw      = bufio.NewWriterSize(out, 64<<10)
		enc     = json.NewEncoder(bw)
		skip    = func(err error) {
			sum.Skipped++
			if inErr == nil {
				inErr = &InputError{FirstLine: sum.Lines, First: err}
			}
		}
	)
	enc.SetEscapeHTML(false)
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// Part of a long line: keep up to maxLine of it, drop the rest.
			if !tooLong && len(long)+len(chunk) <= maxLine {
				long = append(long, chunk...)
			} else {
				tooLong, long = true, long[:0]
			}
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return sum, fmt.Errorf("listen: reading posts after line %d: %w", sum.Lines, err)
		}
		if len(chunk) == 0 && len(long) == 0 && !tooLong {
			break // EOF right after a newline
		}
		line := chunk
		if len(long) > 0 || tooLong {
			if !tooLong && len(long)+len(chunk) > maxLine {
				tooLong = true
			}
			line = append(long, chunk...)
			long = long[:0]
		}
		sum.Lines++
		switch {
		case tooLong:
			skip(fmt.Errorf("line longer than %d bytes", maxLine))
			tooLong = false
		case len(bytes.TrimSpace(line)) == 0:
			// A blank line is not a post; nothing is lost.
		default:
			if jerr := DecodePost(line, &post); jerr != nil {
				skip(jerr)
			} else if post.ID == "" {
				skip(errors.New(`post has no "id"`))
			} else {
				sum.Posts++
				matches = m.AppendMatch(matches[:0], post)
				if len(matches) > 0 {
					sum.Matched++
					if werr := enc.Encode(result{ID: post.ID, Rules: matches}); werr != nil {
						return sum, fmt.Errorf("listen: writing matches: %w", werr)
					}
				}
			}
		}
		if err != nil { // EOF without a final newline
			break
		}
		if sum.Lines%1024 == 0 {
			if cerr := ctx.Err(); cerr != nil {
				_ = bw.Flush()
				return sum, cerr
			}
		}
		if br.Buffered() == 0 {
			if werr := bw.Flush(); werr != nil {
				return sum, fmt.Errorf("listen: writing matches: %w", werr)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return sum, fmt.Errorf("listen: writing matches: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	if inErr != nil {
		inErr.Summary = sum
		return sum, inErr
	}
	return sum, nil
}

type result struct {
	ID    string   `json:"id"`
	Rules []string `json:"rules"`
}
