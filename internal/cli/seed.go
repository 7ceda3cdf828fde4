package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"nyttig/internal/blob"
	"nyttig/internal/config"
	"nyttig/internal/seed"
	"nyttig/internal/store"
	"nyttig/workflow"
)

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("seed", "seed --demo | --synthetic N [--year YYYY]\n\n--demo loads demo data: a fund with this year's budget, a call open for 60 days,\none user per role, two applications and a completed project. Safe to run again.\n\n--synthetic N generates a new fund with N applications submitted in one year\n(default last year) and carried through review, decisions, payouts, reports\nand evaluations, for trying the annual summary at scale.", stderr)
	demo := fs.Bool("demo", false, "load the demo fund, call, users and applications")
	synthetic := fs.Int("synthetic", 0, "generate a fund with this many applications")
	year := fs.Int("year", 0, "with --synthetic: the year the applications are submitted in (default last year)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *demo == (*synthetic > 0) {
		fs.Usage()
		return errUsage
	}
	cfg, err := config.FromEnv("db", "s3")
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := migrate(ctx, st); err != nil {
		return err
	}
	if *synthetic > 0 {
		started := time.Now()
		s, err := seed.SyntheticFund(ctx, st, seed.SyntheticOptions{Applications: *synthetic, Year: *year, Now: started, Seed: uint64(started.UnixNano())})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Generated fund %d %q: %d applications submitted in %d, %d users, in %s.\n", s.Fund.ID, s.Fund.Name,
			s.Applications, s.Year, s.Users, time.Since(started).Round(time.Millisecond))
		fmt.Fprintf(stdout, "Its annual summary: nyttig report annual --fund %d --year %d -o summary.pdf\n", s.Fund.ID, s.Year)
		return nil
	}
	// The demo's granted project gets decision letters, stored as objects.
	blobs, err := blob.Open(cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey, cfg.S3Bucket, cfg.S3UseSSL)
	if err != nil {
		return err
	}
	if err := blobs.EnsureBucket(ctx); err != nil {
		return err
	}
	users, err := seed.Demo(ctx, st, blobs, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demo data is ready. Log in at %s/login with one of these (password %q):\n\n", cfg.BaseURL, seed.DemoPassword)
	for _, u := range users {
		fmt.Fprintf(stdout, "  %-28s %-48s %s\n", u.Email, workflow.RoleLabels[u.Role].NB+" / "+workflow.RoleLabels[u.Role].EN, u.Name)
	}
	fmt.Fprintln(stdout)
	return nil
}
