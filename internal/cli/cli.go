// Package cli owns Nyttig's command line: the subcommands, their flags and
// help texts, and the wiring of configuration to the server and the store.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strings"
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server (applies migrations first)", runServe},
		{"migrate", "apply database migrations", runMigrate},
		{"seed", "load data: --demo for a demo fund, call and users; --synthetic N for a generated fund", runSeed},
		{"user", "manage users: user add --email E --name N --role R", runUser},
		{"workflow", "print the application lifecycle: workflow mermaid", runWorkflow},
		{"letter", "letter render --application ID -o FILE: write a decision letter", runLetter},
		{"report", "report annual [--fund ID] [--year Y] [--format pdf|csv|json] -o FILE: a fund's annual summary", runReport},
		{"check", "check the database's invariants; exits 1 naming each one violated", runCheck},
		{"bench", "measure Nyttig on this machine beside pgbench and PutObject; --quick for a smoke test", runBench},
		{"bucket", "bucket export DIR | import DIR: copy the bucket to a directory and back", runBucket},
		{"probe", "ask the running server for /readyz; for container health checks", runProbe},
		{"version", "print the version", runVersion},
	}
}

// errUsage marks an error already explained by a usage message.
var errUsage = errors.New("usage")

// Run runs the subcommand named by args[0] and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	slog.SetDefault(slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			}
			fmt.Fprintf(stderr, "nyttig %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "nyttig: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Nyttig runs a municipality's innovation fund.\n\nUsage: nyttig <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `nyttig <command> --help` for a command's flags. Configuration comes from the environment (see README.md).")
}

// newFlags makes a flag set whose --help prints the command's usage.
func newFlags(name, synopsis string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("nyttig "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: nyttig %s\n", synopsis)
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses flags, turning a parse failure into errUsage (the flag
// package has printed why).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "nyttig "+Version())
	return nil
}

// buildVersion is set at link time by builds without VCS information (the
// container image: -ldflags "-X nyttig/internal/cli.buildVersion=...").
var buildVersion string

// Version is the version set at build time, else the module version or the
// VCS revision the binary was built from.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if buildVersion != "" {
		return buildVersion + " " + info.GoVersion
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	v := info.Main.Version
	if rev := settings["vcs.revision"]; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v = rev
		if settings["vcs.modified"] == "true" {
			v += "-dirty"
		}
	}
	return strings.TrimSpace(v + " " + info.GoVersion)
}

// listFlag collects a repeatable or comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}
