package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"nyttig/internal/config"
	"nyttig/internal/seed"
	"nyttig/internal/store"
	"nyttig/workflow"
)

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("seed", "seed --demo\n\nLoads demo data: a fund with this year's budget, a call open for 60 days,\none user per role, and two applications. Safe to run again.", stderr)
	demo := fs.Bool("demo", false, "load the demo fund, call, users and applications")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !*demo {
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
	if err := migrate(ctx, st); err != nil {
		return err
	}
	users, err := seed.Demo(ctx, st, time.Now())
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
