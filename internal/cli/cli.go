// Package cli parses Heed's command line: serve (the default), migrate,
// user create, token create and analyze.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/heed-dev/heed/internal/accounts"
	"github.com/heed-dev/heed/internal/analyze"
	"github.com/heed-dev/heed/internal/app"
	"github.com/heed-dev/heed/internal/channel"
	"github.com/heed-dev/heed/internal/config"
	"github.com/heed-dev/heed/internal/demo"
	"github.com/heed-dev/heed/internal/listen"
	"github.com/heed-dev/heed/internal/model"
)

// Version is set at build time with -ldflags.
var Version = "dev"

const usage = `heed — social customer care

Usage:
  heed [serve] [flags]                      start Heed (default)
  heed demo [--addr A] [--data D] [--rate 4s] a throwaway Heed with customers posting (temp data dir unless --data)
  heed import [--batch N] FILE|-            import conversation history (JSON lines) for reports
  heed migrate [flags]                      apply database migrations
  heed user create --email E --password P --role admin|supervisor|agent [--name N] [--workspace W]
  heed token create --email E [--name N]    print a new API bearer token
  heed analyze                              analyse posts from stdin (one per line) to JSON lines
  heed listen --rules FILE                  match JSON-line posts from stdin against listening rules
  heed version

Shared flags (also from the environment):
  --addr (HEED_ADDR, default :8080)   --data (HEED_DATA_DIR, default ./data)
  --database-url (HEED_DATABASE_URL; postgres://… selects PostgreSQL, default SQLite in the data dir)
  HEED_SECRET_KEY seals channel secrets (generated into the data dir on first run if absent)
`

// Run executes the command line and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, args, stderr)
	case "migrate":
		err = migrate(ctx, args, stdout, stderr)
	case "user":
		err = userCmd(ctx, args, stdout, stderr)
	case "token":
		err = tokenCmd(ctx, args, stdout, stderr)
	case "analyze":
		err = analyzeCmd(ctx, args, stdin, stdout, stderr)
	case "listen":
		err = listenCmd(ctx, args, stdin, stdout, stderr)
	case "import":
		err = importCmd(ctx, args, stdin, stdout, stderr)
	case "demo":
		err = demoCmd(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "heed", Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "heed: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		var ve *accounts.ValidationError
		if errors.As(err, &ve) {
			fmt.Fprintf(stderr, "heed %s: %s %s\n", cmd, ve.Field, ve.Message)
		} else {
			fmt.Fprintf(stderr, "heed %s: %v\n", cmd, err)
		}
		return 1
	}
	return 0
}

// parse builds the config from env and the shared flags plus extra ones.
func parse(name string, args []string, stderr io.Writer, extra func(fs *flag.FlagSet)) (config.Config, error) {
	cfg, err := config.FromEnv(config.Default(), os.Getenv)
	if err != nil {
		return cfg, err
	}
	fs := flag.NewFlagSet("heed "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.RegisterFlags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return cfg, cfg.Validate()
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := parse("serve", args, stderr, nil)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	slog.SetDefault(log)
	return app.Serve(ctx, cfg, log)
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parse("migrate", args, stderr, nil)
	if err != nil {
		return err
	}
	d, _, err := app.Open(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database is at schema version %d\n", v)
	return nil
}

func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: heed user create --email E --password P --role admin|supervisor|agent")
	}
	var email, password, role, name, workspace string
	cfg, err := parse("user create", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email (login)")
		fs.StringVar(&password, "password", "", "password (at least 8 characters)")
		fs.StringVar(&role, "role", "agent", "admin, supervisor or agent")
		fs.StringVar(&name, "name", "", "display name (default: the email's local part)")
		fs.StringVar(&workspace, "workspace", "Heed", "workspace name, used when the database is empty")
	})
	if err != nil {
		return err
	}
	d, s, err := app.Open(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer d.Close()
	acc := &accounts.Service{Store: s, Registry: channel.NewRegistry()}
	a, err := acc.CreateUser(ctx, accounts.NewUser{Workspace: workspace, Email: email, Name: name, Password: password, Role: model.Role(role)})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s %s (%s)\n", a.Role, a.Email, a.ID)
	return nil
}

func tokenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: heed token create --email E [--name N]")
	}
	var email, name string
	cfg, err := parse("token create", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the agent the token acts as")
		fs.StringVar(&name, "name", "cli", "a label for the token")
	})
	if err != nil {
		return err
	}
	d, s, err := app.Open(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := s.GetAgentByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("no agent with email %q: %w", email, err)
	}
	acc := &accounts.Service{Store: s, Registry: channel.NewRegistry()}
	value, _, err := acc.CreateToken(ctx, a, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, value)
	return nil
}

func analyzeCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("heed analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	langs := fs.String("languages", "", "comma-separated ISO 639-1 codes to detect (default: the built-in set)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var opts analyze.Options
	if *langs != "" {
		opts.Languages = strings.Split(*langs, ",")
	}
	a, err := analyze.New(opts)
	if err != nil {
		return err
	}
	return analyze.RunCLI(ctx, a, stdin, stdout)
}

func listenCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("heed listen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rules := fs.String("rules", "", "file of rules, one per line: id<TAB>query")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rules == "" {
		return errors.New("--rules FILE is required")
	}
	f, err := os.Open(*rules)
	if err != nil {
		return err
	}
	defer f.Close()
	return listen.RunCLI(ctx, f, stdin, stdout)
}

func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var rate time.Duration
	var dataSet bool
	cfg, err := parse("demo", args, stderr, func(fs *flag.FlagSet) {
		fs.DurationVar(&rate, "rate", 4*time.Second, "one new customer post every rate")
	})
	if err != nil {
		return err
	}
	for _, a := range args {
		if a == "--data" || a == "-data" || strings.HasPrefix(a, "--data=") || strings.HasPrefix(a, "-data=") {
			dataSet = true
		}
	}
	if !dataSet && os.Getenv("HEED_DATA_DIR") == "" {
		dir, err := demo.TempDataDir()
		if err != nil {
			return err
		}
		cfg.DataDir = dir
		if os.Getenv("HEED_DATABASE_URL") == "" {
			cfg.DatabaseURL = ""
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	log := newLogger(cfg, stderr)
	return demo.Run(ctx, cfg, log, demo.Options{Rate: rate}, stdout)
}
