package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/app"
	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/report"
)

const importUsage = `usage: heed import [--data DIR | --database-url URL] [--batch N] FILE|-

Imports conversation history from JSON lines (one conversation per line; - reads stdin)
into the first workspace, bypassing the live pipeline. Safe to run again on the same file.
`

// importCmd is `heed import FILE`: history from JSON lines (see
// report.ParseLine), a progress line on stderr when it is a terminal, and a
// summary on stdout.
func importCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var batch int
	cfg, file, err := parseImport(args, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&batch, "batch", 500, "conversations per transaction")
	})
	if err != nil {
		return err
	}
	var in io.Reader = stdin
	var size int64
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
		in = f
	}
	d, s, err := app.Open(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer d.Close()
	opts := report.ImportOptions{BatchSize: batch}
	var prog *progressLine
	if isTerminal(stderr) {
		prog = &progressLine{w: stderr, size: size, start: time.Now()}
		opts.Progress = prog.show
	}
	res, err := report.Import(ctx, s, in, opts)
	if prog != nil {
		prog.clear()
	}
	if err != nil {
		return err
	}
	// Build the report roll-ups of the imported days now, so that the
	// first report after an import of years does not wait for them.
	if res.Created+res.Updated > 0 {
		start := time.Now()
		if prog != nil {
			fmt.Fprint(stderr, "building report roll-ups…")
		}
		ids, err := s.ListWorkspaceIDs(ctx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := report.RefreshRollups(ctx, s, id); err != nil {
				return fmt.Errorf("report roll-ups: %w", err)
			}
			if _, err := report.RefreshDashboards(ctx, s, id); err != nil {
				return fmt.Errorf("report roll-ups: %w", err)
			}
		}
		if prog != nil {
			fmt.Fprintf(stderr, "\r\033[Kreport roll-ups built in %s\n", time.Since(start).Round(time.Millisecond))
		}
	}
	printImportSummary(stdout, res)
	return nil
}

// parseImport is parse with one positional argument, the file, allowed
// before or after the flags.
func parseImport(args []string, stderr io.Writer, extra func(fs *flag.FlagSet)) (config.Config, string, error) {
	cfg, err := config.FromEnv(config.Default(), os.Getenv)
	if err != nil {
		return cfg, "", err
	}
	fs := flag.NewFlagSet("heed import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, importUsage); fs.PrintDefaults() }
	cfg.RegisterFlags(fs)
	extra(fs)
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return cfg, "", err
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		return cfg, "", errors.New(strings.TrimSpace(importUsage))
	}
	return cfg, files[0], cfg.Validate()
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

type progressLine struct {
	w     io.Writer
	size  int64
	start time.Time
	last  time.Time
}

func (p *progressLine) show(pr report.Progress) {
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	pct := ""
	if p.size > 0 {
		pct = fmt.Sprintf(" (%d%%)", pr.Bytes*100/p.size)
	}
	rate := float64(pr.Lines) / max(now.Sub(p.start).Seconds(), 0.001)
	fmt.Fprintf(p.w, "\r\033[Kimporting: %s lines%s, %s conversations, %s skipped, %s lines/s",
		thousands(pr.Lines), pct, thousands(pr.Conversations), thousands(pr.Skipped), thousands(int(rate)))
}

func (p *progressLine) clear() { fmt.Fprint(p.w, "\r\033[K") }

func printImportSummary(w io.Writer, r report.ImportResult) {
	fmt.Fprintf(w, "lines          %s\n", thousands(r.Lines))
	fmt.Fprintf(w, "conversations  %s new, %s updated, %s already imported\n", thousands(r.Created), thousands(r.Updated), thousands(r.Unchanged))
	fmt.Fprintf(w, "messages       %s new\n", thousands(r.Messages))
	fmt.Fprintf(w, "skipped        %s\n", thousands(r.SkippedTotal()))
	for _, s := range r.Skipped {
		lines := make([]string, len(s.Lines))
		for i, n := range s.Lines {
			lines[i] = strconv.Itoa(n)
		}
		more := ""
		if s.Count > len(s.Lines) {
			more = ", …"
		}
		detail := ""
		if s.Detail != "" {
			detail = " (first: " + s.Detail + ")"
		}
		fmt.Fprintf(w, "  %7s  %s: lines %s%s%s\n", thousands(s.Count), s.Reason, strings.Join(lines, ", "), more, detail)
	}
	rate := float64(r.Lines) / max(r.Duration.Seconds(), 0.001)
	fmt.Fprintf(w, "time           %s (%s lines/s)\n", r.Duration.Round(time.Millisecond), thousands(int(rate)))
}

// thousands formats n with comma separators: 1234567 → 1,234,567.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
