package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"nyttig/internal/blob"
	"nyttig/internal/check"
	"nyttig/internal/config"
	"nyttig/internal/i18n"
	"nyttig/internal/store"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", "check [--objects=false] [--lang nb|en]\n\nChecks the database's invariants (the ledger adds up, no tranche paid twice,\nno application paid more than granted, histories without gaps or illegal\nsteps, every document's object stored) and names each one violated.\nExits 1 when any is.", stderr)
	objects := fs.Bool("objects", true, "also check that every attachment and letter has its object in object storage")
	lang := fs.String("lang", "en", "the language of the report: nb or en")
	if err := parse(fs, args); err != nil {
		return err
	}
	need := []string{"db"}
	if *objects {
		need = append(need, "s3")
	}
	cfg, err := config.FromEnv(need...)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	var objs check.Objects
	if *objects {
		b, err := blob.Open(cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey, cfg.S3Bucket, cfg.S3UseSSL)
		if err != nil {
			return err
		}
		objs = b
	}
	violations, err := check.Run(ctx, st, objs)
	if err != nil {
		return err
	}
	var skipped []string
	if objs == nil {
		skipped = append(skipped, "objects_exist")
	}
	return report(stdout, violations, skipped, i18n.Parse(*lang))
}

// report writes one line per invariant, with the violations under the
// ones that fail, and returns an error naming those.
func report(w io.Writer, violations []check.Violation, skipped []string, lang i18n.Lang) error {
	failed := check.Names(violations)
	for _, inv := range check.Invariants {
		status := "ok"
		switch {
		case slices.Contains(failed, inv.Name):
			status = "VIOLATED"
		case slices.Contains(skipped, inv.Name):
			status = "skipped"
		}
		fmt.Fprintf(w, "%-8s %-28s %s\n", status, inv.Name, inv.Description.In(lang))
		for _, v := range violations {
			if v.Invariant == inv.Name {
				fmt.Fprintf(w, "         - %s\n", v.Detail.In(lang))
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d invariant(s) violated: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}
