package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/store"
)

// History import: `heed import FILE` reads JSON lines, one conversation per
// line:
//
//	{"channel_type":"x","account":"AskBrand","thread_id":"t-1","public":true,
//	 "messages":[{"external_id":"1","direction":"inbound","author":{"id":"u1","handle":"@ana","name":"Ana"},
//	              "text":"…","created_at":"2017-10-31T22:00:36Z"},
//	             {"external_id":"2","direction":"outbound","author":{"id":"AskBrand"},"text":"…","created_at":"…"}]}
//
// Ids may be JSON strings or numbers. A message may carry "public" (default:
// the conversation's) and "holding" (an acknowledgement that does not
// answer; default false); "public" of the conversation defaults to false.
// Unknown fields are ignored. The account is created as a channel of that
// type and name in the first workspace (marked {"imported":true}: it sends
// nothing) unless one exists. The customer is the author of the first
// inbound message. See store.ComputeImportTimeline for how first response,
// acknowledgement, status and resolution follow from the messages.

// MaxLineBytes bounds one JSON line.
const MaxLineBytes = 8 << 20

// Reasons a line is skipped.
const (
	SkipInvalidJSON    = "invalid JSON"
	SkipLineTooLong    = "line too long"
	SkipNoChannelType  = "missing channel_type"
	SkipNoAccount      = "missing account"
	SkipNoThreadID     = "missing thread_id"
	SkipNoMessages     = "no messages"
	SkipInvalidMessage = "invalid message"
	SkipNoInbound      = "no inbound message"
	SkipOtherThread    = "inbound messages already imported in another thread"
)

// LineError says why a line cannot be imported: Reason is one of the Skip
// constants, Detail the specifics.
type LineError struct {
	Reason string
	Detail string
}

func (e *LineError) Error() string {
	if e.Detail == "" {
		return e.Reason
	}
	return e.Reason + ": " + e.Detail
}

// flexString is an id given as a JSON string or number.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or a number, got %s", truncate(string(b), 20))
	}
	*f = flexString(n)
	return nil
}

type lineJSON struct {
	ChannelType string        `json:"channel_type"`
	Account     string        `json:"account"`
	ThreadID    flexString    `json:"thread_id"`
	Public      bool          `json:"public"`
	Messages    []messageJSON `json:"messages"`
}

type messageJSON struct {
	ExternalID flexString `json:"external_id"`
	Direction  string     `json:"direction"`
	Author     struct {
		ID     flexString `json:"id"`
		Handle string     `json:"handle"`
		Name   string     `json:"name"`
	} `json:"author"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"`
	Public    *bool  `json:"public"`
	Holding   bool   `json:"holding"`
}

// ParseLine decodes and validates one line into a thread to import. Its
// errors are *LineError.
func ParseLine(line []byte) (store.ImportThread, error) {
	var t store.ImportThread
	var in lineJSON
	if err := json.Unmarshal(line, &in); err != nil {
		return t, &LineError{Reason: SkipInvalidJSON, Detail: err.Error()}
	}
	t.ChannelType = strings.TrimSpace(in.ChannelType)
	t.Account = strings.TrimSpace(in.Account)
	t.ThreadID = strings.TrimSpace(string(in.ThreadID))
	t.Public = in.Public
	switch {
	case t.ChannelType == "":
		return t, &LineError{Reason: SkipNoChannelType}
	case t.Account == "":
		return t, &LineError{Reason: SkipNoAccount}
	case t.ThreadID == "":
		return t, &LineError{Reason: SkipNoThreadID}
	case len(in.Messages) == 0:
		return t, &LineError{Reason: SkipNoMessages}
	}
	seen := make(map[string]bool, len(in.Messages))
	t.Messages = make([]store.ImportMessage, 0, len(in.Messages))
	firstIn := -1
	for i, m := range in.Messages {
		bad := func(field, msg string) error {
			return &LineError{Reason: SkipInvalidMessage, Detail: fmt.Sprintf("messages[%d].%s: %s", i, field, msg)}
		}
		id := strings.TrimSpace(string(m.ExternalID))
		if id == "" {
			return t, bad("external_id", "is required")
		}
		var inbound bool
		switch m.Direction {
		case "inbound", "in":
			inbound = true
		case "outbound", "out":
		default:
			return t, bad("direction", "must be inbound or outbound")
		}
		author := strings.TrimSpace(string(m.Author.ID))
		if inbound && author == "" {
			return t, bad("author.id", "is required on inbound messages")
		}
		if m.CreatedAt == "" {
			return t, bad("created_at", "is required")
		}
		at, err := time.Parse(time.RFC3339Nano, m.CreatedAt)
		if err != nil {
			return t, bad("created_at", "must be an RFC 3339 time")
		}
		if !utf8.ValidString(m.Text) {
			return t, bad("text", "is not valid UTF-8")
		}
		if seen[id] {
			continue // the same message twice: store it once
		}
		seen[id] = true
		pub := in.Public
		if m.Public != nil {
			pub = *m.Public
		}
		msg := store.ImportMessage{ExternalID: id, Inbound: inbound, Text: m.Text, Public: pub, Holding: m.Holding && !inbound, CreatedAt: at.UnixMilli()}
		// The customer is the author of the earliest inbound message.
		if inbound && (firstIn < 0 || msg.CreatedAt < t.Messages[firstIn].CreatedAt) {
			firstIn = len(t.Messages)
			t.Customer = store.ImportAuthor{ID: author, Handle: m.Author.Handle, Name: m.Author.Name}
		}
		t.Messages = append(t.Messages, msg)
	}
	if firstIn < 0 {
		return t, &LineError{Reason: SkipNoInbound}
	}
	return t, nil
}

// ImportOptions tune an import.
type ImportOptions struct {
	// BatchSize is the number of conversations per transaction (default 500).
	BatchSize int
	// Progress, if set, is called after every batch.
	Progress func(Progress)
}

// Progress is how far an import has come.
type Progress struct {
	Lines         int
	Bytes         int64
	Conversations int // created or updated so far
	Skipped       int
}

// Skip counts the lines skipped for one reason.
type Skip struct {
	Reason string
	Count  int
	Lines  []int  // the first few line numbers (1-based)
	Detail string // the first line's details
}

// maxSkipLines is how many line numbers a Skip keeps.
const maxSkipLines = 10

// ImportResult summarises an import.
type ImportResult struct {
	Lines     int // non-blank lines read
	Created   int // new conversations
	Updated   int // stored conversations that got new messages
	Unchanged int // conversations already fully stored
	Messages  int // messages inserted
	Skipped   []Skip
	Duration  time.Duration
}

// SkippedTotal is the number of lines skipped.
func (r ImportResult) SkippedTotal() int {
	n := 0
	for _, s := range r.Skipped {
		n += s.Count
	}
	return n
}

// Import reads JSON lines from r into the install's first workspace, in
// transactions of opts.BatchSize conversations. Bad lines are skipped and
// counted with their reason; a database error stops the import (the batches
// committed before it stay, and running the import again is safe).
func Import(ctx context.Context, st *store.Store, r io.Reader, opts ImportOptions) (ImportResult, error) {
	start := time.Now()
	var res ImportResult
	ws, err := st.FirstWorkspace(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return res, errors.New("import: no workspace yet: create one first (heed user create, or the setup page)")
	}
	if err != nil {
		return res, fmt.Errorf("import: %w", err)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	skips := map[string]*Skip{}
	skip := func(line int, e *LineError) {
		s := skips[e.Reason]
		if s == nil {
			s = &Skip{Reason: e.Reason, Detail: e.Detail}
			skips[e.Reason] = s
		}
		s.Count++
		if len(s.Lines) < maxSkipLines {
			s.Lines = append(s.Lines, line)
		}
	}
	cache := store.NewImportCache()
	var batch []store.ImportThread
	var batchLines []int
	var prog Progress
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		results, err := st.ImportBatch(ctx, ws.ID, batch, cache)
		if err != nil {
			return fmt.Errorf("import: lines %d–%d: %w", batchLines[0], batchLines[len(batchLines)-1], err)
		}
		for i, r := range results {
			res.Messages += r.Messages
			switch r.Outcome {
			case store.ImportCreated:
				res.Created++
			case store.ImportUpdated:
				res.Updated++
			case store.ImportUnchanged:
				res.Unchanged++
			case store.ImportSkipped:
				skip(batchLines[i], &LineError{Reason: r.Skip})
			}
		}
		batch, batchLines = batch[:0], batchLines[:0]
		prog.Conversations, prog.Skipped = res.Created+res.Updated, res.SkippedTotal()
		if opts.Progress != nil {
			opts.Progress(prog)
		}
		return nil
	}
	br := bufio.NewReaderSize(r, 256<<10)
	lineNo := 0
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		line, n, tooLong, err := readLine(br)
		prog.Bytes += int64(n)
		if err != nil && err != io.EOF {
			return res, fmt.Errorf("import: read: %w", err)
		}
		if n > 0 {
			lineNo++
		}
		line = bytes.TrimSpace(line)
		switch {
		case tooLong:
			res.Lines++
			skip(lineNo, &LineError{Reason: SkipLineTooLong, Detail: fmt.Sprintf("longer than %d bytes", MaxLineBytes)})
		case len(line) > 0:
			res.Lines++
			t, perr := ParseLine(line)
			if perr != nil {
				skip(lineNo, perr.(*LineError))
				break
			}
			batch, batchLines = append(batch, t), append(batchLines, lineNo)
		}
		prog.Lines = res.Lines
		if len(batch) >= opts.BatchSize {
			if err := flush(); err != nil {
				return res, err
			}
		}
		if err == io.EOF {
			break
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	for _, s := range skips {
		res.Skipped = append(res.Skipped, *s)
	}
	slices.SortFunc(res.Skipped, func(a, b Skip) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Reason, b.Reason)
	})
	res.Duration = time.Since(start)
	return res, nil
}

// readLine returns the next line without its newline, how many bytes it
// took from r, and whether it was longer than MaxLineBytes (then its content
// is dropped). err is io.EOF after the last line.
func readLine(br *bufio.Reader) (line []byte, n int, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		n += len(chunk)
		if !tooLong {
			if len(buf)+len(chunk) > MaxLineBytes+1 { // +1: the newline
				tooLong, buf = true, nil
			} else if err == nil && buf == nil {
				// The common case: the whole line in one chunk. Copy it, since
				// the reader's buffer is reused.
				return bytes.Clone(chunk[:len(chunk)-1]), n, false, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil:
			return buf, n, tooLong, err
		}
		if len(buf) > 0 && buf[len(buf)-1] == '\n' {
			buf = buf[:len(buf)-1]
		}
		return buf, n, tooLong, nil
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
