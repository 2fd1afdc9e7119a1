package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// ReplayConfig configures a replay of JSON lines.
type ReplayConfig struct {
	// Name is the source's name; default "replay".
	Name string
	// Open opens the input from its start; Run calls it once per run.
	Open func() (io.ReadCloser, error)
	// MaxLine is the longest line accepted; default 1 MiB.
	MaxLine int
	Options
}

// Replay delivers posts from JSON lines in the `heed listen` input format,
// {"id","text","lang","author"} plus an optional "created_at" (RFC 3339).
// Its cursor is the number of lines consumed, blank ones included, so a
// run resumed from a post's cursor starts at the line after it. It is what
// tests and benchmarks feed the listening service with.
type Replay struct {
	cfg ReplayConfig
	o   Options
}

// NewReplay returns a replay source.
func NewReplay(cfg ReplayConfig) *Replay {
	if cfg.Name == "" {
		cfg.Name = "replay"
	}
	if cfg.MaxLine <= 0 {
		cfg.MaxLine = 1 << 20
	}
	return &Replay{cfg: cfg, o: cfg.Options.withDefaults()}
}

// ReplayFile replays the file at path.
func ReplayFile(path string, o Options) *Replay {
	return NewReplay(ReplayConfig{Open: func() (io.ReadCloser, error) { return os.Open(path) }, Options: o})
}

// ReplayReader replays r. r is read once: a second Run finds it consumed,
// so use ReplayFile or ReplayConfig.Open where runs are resumed.
func ReplayReader(r io.Reader, o Options) *Replay {
	return NewReplay(ReplayConfig{Open: func() (io.ReadCloser, error) { return io.NopCloser(r), nil }, Options: o})
}

// Name is the source's name.
func (r *Replay) Name() string { return r.cfg.Name }

// replayLine is one input line.
type replayLine struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Lang      string `json:"lang"`
	Author    string `json:"author"`
	CreatedAt string `json:"created_at"`
}

// decodeReplayLine decodes one line. ok is false for a blank line.
func decodeReplayLine(line []byte, network string) (p Post, ok bool, err error) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return Post{}, false, nil
	}
	var l replayLine
	if err := json.Unmarshal(line, &l); err != nil {
		return Post{}, false, err
	}
	if l.ID == "" {
		return Post{}, false, errors.New(`no "id"`)
	}
	p = Post{Network: network, ID: l.ID, Text: l.Text, Lang: l.Lang, Author: l.Author, AuthorID: l.Author}
	if l.CreatedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, l.CreatedAt)
		if err != nil {
			return Post{}, false, fmt.Errorf(`"created_at" %q is not an RFC 3339 time`, l.CreatedAt)
		}
		p.CreatedAt = t.UTC()
	}
	return p, true, nil
}

// Run delivers the posts after cursor lines and returns ErrEnded at the
// end of the input. A malformed line stops the run with an error naming
// its line number: a replay is a fixed input, skipping would hide the
// mistake.
func (r *Replay) Run(ctx context.Context, cursor string, h Handler) error {
	skip := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return fmt.Errorf("%s: cursor %q is not a line count", r.Name(), cursor)
		}
		skip = n
	}
	if r.cfg.Open == nil {
		return fmt.Errorf("%s: no input configured", r.Name())
	}
	in, err := r.cfg.Open()
	if err != nil {
		return fmt.Errorf("%s: open: %w", r.Name(), err)
	}
	defer in.Close()
	br := bufio.NewReaderSize(in, 64<<10)
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := readLine(br, r.cfg.MaxLine)
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return ErrEnded
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: line %d: %w", r.Name(), n, err)
		}
		if n <= skip {
			continue
		}
		p, ok, derr := decodeReplayLine(line, r.Name())
		if derr != nil {
			return fmt.Errorf("%s: line %d: %w", r.Name(), n, derr)
		}
		if ok {
			p.Cursor = strconv.Itoa(n)
			if err := deliver(ctx, r.o, r.Name(), h, p); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return ErrEnded
		}
	}
}
