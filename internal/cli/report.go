package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"nyttig/internal/config"
	"nyttig/internal/grants"
	"nyttig/internal/i18n"
	"nyttig/internal/store"
	"nyttig/internal/summary"
)

const reportSynopsis = `report annual [--fund ID] [--year YYYY] [--format pdf|csv|json] [--lang nb|en] -o FILE

Writes a fund's annual summary (årsoversikt). --fund may be left out when
there is one fund; --year defaults to the latest year with decisions.`

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", reportSynopsis, stderr)
	if len(args) == 0 || args[0] != "annual" {
		fs.Usage()
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fundID := fs.Int64("fund", 0, "the fund's id (may be left out when there is one fund)")
	year := fs.Int("year", 0, "the year (default: the latest year with decisions)")
	formatName := fs.String("format", "pdf", "pdf, csv or json")
	langName := fs.String("lang", "nb", "the language of the labels: nb or en")
	out := fs.String("o", "", "the file to write (required; - for standard output)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	format, ok := summary.ParseFormat(*formatName)
	if !ok || *out == "" || (*langName != "nb" && *langName != "en") {
		fs.Usage()
		return errUsage
	}
	cfg, err := config.FromEnv("db")
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	g := grants.New(st, nil)
	if *fundID == 0 {
		if *fundID, err = onlyFund(ctx, st); err != nil {
			return err
		}
	}
	if *year == 0 {
		if *year, err = g.DefaultSummaryYear(ctx, *fundID); err != nil {
			return err
		}
	}
	started := time.Now()
	f, err := g.SummaryForOperator(ctx, *fundID, *year)
	if err != nil {
		return err
	}
	b, err := summary.Render(f, format, i18n.Parse(*langName))
	if err != nil {
		return err
	}
	took := time.Since(started)
	if *out == "-" {
		_, err = stdout.Write(b)
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s (%s %d, %s, %d bytes, %d applications received, %d projects) in %s\n", *out, f.Fund, f.Year,
		format, len(b), f.Totals.Received, len(f.Projects), took.Round(time.Millisecond))
	return nil
}

// onlyFund is the id of the one fund, or an error naming the funds to
// choose from.
func onlyFund(ctx context.Context, st *store.Store) (int64, error) {
	funds, err := st.Funds(ctx)
	if err != nil {
		return 0, err
	}
	if len(funds) == 1 {
		return funds[0].ID, nil
	}
	msg := "there are several funds: choose one with --fund"
	if len(funds) == 0 {
		msg = "there is no fund yet"
	}
	for _, f := range funds {
		msg += fmt.Sprintf("\n  %d  %s", f.ID, f.Name)
	}
	return 0, fmt.Errorf("%s", msg)
}
