package analyze

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
)

// MaxLine is the longest input line RunCLI accepts; a longer one is reported and skipped.
const MaxLine = 1 << 20

// lineInput is the JSON form of an input line.
type lineInput struct {
	ID        json.RawMessage `json:"id"`
	Text      *string         `json:"text"`
	Lang      string          `json:"lang"`
	Network   string          `json:"network"`
	Followers int64           `json:"followers"`
	Verified  bool            `json:"verified"`
	Public    *bool           `json:"public"`
}

// record is one output line: the Result with the caller's id, or an error for that line.
type record struct {
	// ID shadows Result.ID: it is the input's JSON id verbatim, or the line number.
	ID json.RawMessage `json:"id"`
	*Result
	Line  int    `json:"line,omitempty"`
	Error string `json:"error,omitempty"`
}

// job is one input line on its way through the pipeline.
type job struct {
	line int
	id   json.RawMessage
	in   Input
	err  error
	out  []byte
	done chan struct{}
}

// RunCLI streams posts from in to out, one per line, in order. An input line is either plain
// text or a JSON object with at least "text" and optionally "id" (any JSON value, echoed back
// verbatim), "lang", "network", "followers", "verified" and "public". Plain-text lines have no
// id of their own: their id is the line number (1-based), as a JSON number. Posts are public
// unless "public": false, since the CLI is for social posts.
//
// Each input line gives exactly one output line, except blank lines, which give none. A line
// that is not valid JSON while starting with '{', lacks "text", or is longer than MaxLine gives
// {"id":…,"line":N,"error":"…"} and the stream goes on. Lines are analysed in parallel (one
// worker per CPU) with a bounded window of about 20 lines per worker, so memory stays constant
// however long the input is (at most that many MaxLine lines in the worst case).
// RunCLI returns on the first read or write error, or when ctx is done.
func RunCLI(ctx context.Context, a *Analyzer, in io.Reader, out io.Writer) error {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *job, workers*4)
	order := make(chan *job, workers*16)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out = a.render(ctx, j)
				close(j.done)
			}
		}()
	}

	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		readErr <- readLines(ctx, in, func(j *job) bool {
			select {
			case order <- j:
			case <-ctx.Done():
				return false
			}
			select {
			case jobs <- j:
				return true
			case <-ctx.Done():
				close(j.done) // queued for the writer but never analysed: release it
				return false
			}
		})
	}()

	w := bufio.NewWriterSize(out, 64<<10)
	var werr error
	for j := range order {
		<-j.done
		if werr != nil {
			continue // drain so the reader and workers can finish
		}
		if _, err := w.Write(j.out); err != nil {
			werr = fmt.Errorf("analyze cli: write: %w", err)
			cancel()
			continue
		}
		if len(order) == 0 { // nothing else ready: let a reader of a slow stream see results
			if err := w.Flush(); err != nil {
				werr = fmt.Errorf("analyze cli: write: %w", err)
				cancel()
			}
		}
	}
	wg.Wait()
	if werr != nil {
		return werr
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("analyze cli: write: %w", err)
	}
	if err := <-readErr; err != nil {
		return err
	}
	return ctx.Err()
}

// render analyses one job into its output line.
func (a *Analyzer) render(ctx context.Context, j *job) []byte {
	rec := record{ID: j.id}
	if j.err != nil {
		rec.Line, rec.Error = j.line, j.err.Error()
	} else {
		r := a.Analyze(ctx, j.in)
		rec.Result = &r
	}
	b, err := json.Marshal(rec)
	if err != nil { // cannot happen for these types; keep the one-line-per-input contract
		b = []byte(`{"id":` + strconv.Itoa(j.line) + `,"line":` + strconv.Itoa(j.line) + `,"error":"internal: encode result"}`)
	}
	return append(b, '\n')
}

// readLines reads in line by line with a bounded buffer and hands each non-blank line to emit
// as a job; emit returns false to stop.
func readLines(ctx context.Context, in io.Reader, emit func(*job) bool) error {
	br := bufio.NewReaderSize(in, 64<<10)
	var buf []byte
	lineNo := 0
	tooLong := false
	for {
		frag, err := br.ReadSlice('\n')
		if len(frag) > 0 || err == nil {
			if !tooLong {
				if len(buf)+len(frag) > MaxLine+2 { // +2 for a trailing CRLF
					tooLong, buf = true, buf[:0]
				} else {
					buf = append(buf, frag...)
				}
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // the line goes on
		}
		eol := err == nil || (errors.Is(err, io.EOF) && (len(buf) > 0 || tooLong))
		if eol {
			lineNo++
			var j *job
			if tooLong {
				j = &job{line: lineNo, id: lineID(lineNo), err: fmt.Errorf("line longer than %d bytes, skipped", MaxLine)}
			} else {
				j = parseLine(buf, lineNo)
			}
			buf, tooLong = buf[:0], false
			if cap(buf) > 4*MaxLine { // give back a buffer grown by a long line
				buf = nil
			}
			if j != nil {
				j.done = make(chan struct{})
				if !emit(j) {
					return ctx.Err()
				}
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("analyze cli: read: %w", err)
		}
	}
}

func lineID(n int) json.RawMessage { return json.RawMessage(strconv.Itoa(n)) }

// parseLine turns one input line into a job, or nil for a blank line. It never fails: a bad
// line becomes a job that carries its error.
func parseLine(line []byte, lineNo int) *job {
	line = bytes.TrimRight(line, "\r\n")
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) == 0 {
		return nil
	}
	j := &job{line: lineNo, id: lineID(lineNo)}
	if trimmed[0] != '{' {
		j.in = Input{Text: string(line), Public: true}
		return j
	}
	var li lineInput
	if err := json.Unmarshal(trimmed, &li); err != nil {
		j.err = fmt.Errorf("invalid JSON: %w", err)
		return j
	}
	if len(li.ID) > 0 && !bytes.Equal(li.ID, []byte("null")) {
		j.id = li.ID
	}
	if li.Text == nil {
		j.err = errors.New(`missing "text"`)
		return j
	}
	j.in = Input{
		ID:        idString(li.ID),
		Text:      *li.Text,
		Lang:      li.Lang,
		Network:   li.Network,
		Followers: li.Followers,
		Verified:  li.Verified,
		Public:    li.Public == nil || *li.Public,
	}
	return j
}

// idString gives Input.ID a string form of a JSON id: a string's value, or the raw JSON.
func idString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
