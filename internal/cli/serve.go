package cli

import (
	"context"
	"io"
	"log/slog"
	"time"

	"nyttig/internal/blob"
	"nyttig/internal/config"
	"nyttig/internal/grants"
	"nyttig/internal/jobs"
	"nyttig/internal/notify"
	"nyttig/internal/server"
	"nyttig/internal/sso"
	"nyttig/internal/store"
)

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := newFlags("serve", "serve\n\nServes Nyttig on NYTTIG_ADDR (default :8080) until SIGINT or SIGTERM,\nthen finishes the requests in flight. Applies migrations at start and\nworks background jobs (deadlines, reminders, mail) with the other servers\non the same database.", stderr)
	if err := parse(fs, args); err != nil {
		return err
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
	blobs, err := blob.Open(cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey, cfg.S3Bucket, cfg.S3UseSSL)
	if err != nil {
		return err
	}
	go ensureBucket(ctx, blobs)
	g := grants.New(st, blobs)
	g.Limits = grants.Limits{FileBytes: cfg.MaxFileMiB << 20, ApplicationBytes: cfg.MaxApplicationMiB << 20}
	runner, err := jobs.Start(ctx, jobs.Deps{Grants: g, Mail: notify.Sender{Addr: cfg.SMTPAddr, From: cfg.MailFrom},
		BaseURL: cfg.BaseURL, DigestHour: cfg.DigestHour})
	if err != nil {
		return err
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := runner.Stop(stopCtx); err != nil {
			slog.Warn("stopping the job queue", "err", err)
		}
	}()
	d := server.Deps{Store: st, Blobs: blobs, Grants: g, SecureCookies: cfg.SecureCookies(), BaseURL: cfg.BaseURL,
		PasswordLoginOff: !cfg.PasswordLogin}
	if cfg.SSOEnabled() {
		o := cfg.OIDC
		d.SSO = sso.New(sso.Config{Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
			RedirectURL: o.RedirectURL, Scopes: o.Scopes, RolesClaim: o.RolesClaim, RoleMap: o.RoleMap,
			UnitClaim: o.UnitClaim, PostLogoutRedirectURL: cfg.BaseURL + "/login?done=logout"}, nil)
	}
	h := server.Handler(d)
	return server.Serve(ctx, cfg.Addr, h, nil)
}

// ensureBucket creates the bucket, retrying while the object storage is
// down: Nyttig starts without it, /readyz says so, and it recovers once the
// storage answers.
func ensureBucket(ctx context.Context, b *blob.Store) {
	for delay := time.Second; ; delay = min(2*delay, 30*time.Second) {
		err := b.EnsureBucket(ctx)
		if err == nil {
			return
		}
		slog.Warn("object storage not ready; retrying", "err", err, "retry_in", delay.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

func migrate(ctx context.Context, st *store.Store) error {
	applied, err := st.Migrate(ctx)
	for _, name := range applied {
		slog.Info("migration applied", "name", name)
	}
	return err
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", "migrate\n\nApplies the embedded database migrations that have not run yet.\nSafe to run from several instances at once (advisory lock).", stderr)
	if err := parse(fs, args); err != nil {
		return err
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
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		_, _ = io.WriteString(stdout, "database is up to date\n")
	}
	for _, name := range applied {
		_, _ = io.WriteString(stdout, "applied "+name+"\n")
	}
	return nil
}
