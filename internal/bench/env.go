package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/minio/minio-go/v7"

	"nyttig/internal/auth"
	"nyttig/internal/blob"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/server"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// env is the bench's own database, bucket and server.
type env struct {
	cfg      Config
	adminURL string // the server's database given in the configuration
	dbName   string
	dbURL    string
	st       *store.Store
	blobs    *blob.Store
	g        *grants.Service
	srv      *http.Server
	baseURL  string
	call     model.Call
	fund     model.Fund
	// officer and applicants act in the scenarios; tokens[i] is
	// applicants[i]'s API token.
	officer      model.User
	officerToken string
	applicants   []model.User
	tokens       []string
	// bigLo and bigHi are the ids of the synthetic fund's applications
	// the reads run among, once seeded.
	bigLo, bigHi int64
	// references are pgbench's figures (TPC-B: false, select-only:
	// true), each measured once for the scenarios that compare with it.
	references map[bool]pgbenchResult
	// closers run at the end, last first.
	closers []func()
}

func randomName(prefix string) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func newEnv(ctx context.Context, cfg Config) (*env, error) {
	e := &env{cfg: cfg, adminURL: cfg.DatabaseURL, references: map[bool]pgbenchResult{}}
	ok := false
	defer func() {
		if !ok {
			e.close()
		}
	}()
	var err error
	if e.dbName, e.dbURL, err = createDatabase(ctx, cfg.DatabaseURL, "nyttig_bench_"); err != nil {
		return nil, err
	}
	e.closers = append(e.closers, func() { dropDatabase(cfg.DatabaseURL, e.dbName) })
	// One connection per client, as pgbench has.
	poolURL, err := withParam(e.dbURL, "pool_max_conns", fmt.Sprint(cfg.Clients))
	if err != nil {
		return nil, err
	}
	if e.st, err = store.Open(ctx, poolURL); err != nil {
		return nil, err
	}
	e.closers = append(e.closers, e.st.Close)
	if _, err := e.st.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	bucket := randomName("nyttig-bench-")
	if e.blobs, err = blob.Open(cfg.S3.Endpoint, cfg.S3.AccessKey, cfg.S3.SecretKey, bucket, cfg.S3.UseSSL); err != nil {
		return nil, err
	}
	if err := e.blobs.EnsureBucket(ctx); err != nil {
		return nil, fmt.Errorf("object storage: %w", err)
	}
	e.closers = append(e.closers, func() { removeBucket(e.blobs) })
	e.g = grants.New(e.st, e.blobs)
	// Room for the upload scenario's file.
	e.g.Limits = grants.Limits{FileBytes: 2 << 30, ApplicationBytes: 4 << 30}
	if err := e.people(ctx); err != nil {
		return nil, err
	}
	if err := e.serve(); err != nil {
		return nil, err
	}
	ok = true
	return e, nil
}

func (e *env) close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

// serve starts the whole HTTP server — router, authentication,
// idempotency, the API — on a loopback port. Request logs are left out:
// a log line per request would measure the terminal.
func (e *env) serve() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.baseURL = "http://" + l.Addr().String()
	e.srv = &http.Server{Handler: server.Handler(server.Deps{Store: e.st, Blobs: e.blobs, Grants: e.g, BaseURL: e.baseURL}),
		ReadHeaderTimeout: 10 * time.Second}
	quiet := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	go func() {
		if err := e.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			quiet.Error("bench server", "err", err)
		}
	}()
	e.closers = append(e.closers, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.srv.Shutdown(ctx)
		slog.SetDefault(quiet)
	})
	return nil
}

// people makes the fund, its open call, a case officer and one applicant
// per client, each with an API token.
func (e *env) people(ctx context.Context) error {
	var err error
	if e.fund, err = e.st.CreateFund(ctx, "Benkfondet", "Benk kommune"); err != nil {
		return err
	}
	now := time.Now()
	year := now.In(workflow.Oslo).Year()
	if err := e.st.SetBudget(ctx, e.fund.ID, year, money.FromKroner(100_000_000_000)); err != nil {
		return err
	}
	person := func(i int, role workflow.Role) (model.User, string, error) {
		u, err := e.st.CreateUser(ctx, store.NewUser{Email: fmt.Sprintf("%s-%d@bench.test", role, i), Name: fmt.Sprintf("Benk %s %d", role, i),
			Unit: "Helse og velferd", Roles: []workflow.Role{role}})
		if err != nil {
			return u, "", err
		}
		token := auth.NewToken()
		return u, token, e.st.AddToken(ctx, u.ID, token)
	}
	if e.officer, e.officerToken, err = person(0, workflow.CaseOfficer); err != nil {
		return err
	}
	for i := range e.cfg.Clients {
		u, token, err := person(i, workflow.Applicant)
		if err != nil {
			return err
		}
		e.applicants, e.tokens = append(e.applicants, u), append(e.tokens, token)
	}
	e.call, err = e.st.CreateCall(ctx, model.Call{FundID: e.fund.ID, Title: "Benkutlysning", OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(24 * time.Hour), MaxAmountOre: money.FromKroner(5_000_000), BudgetYear: year}, e.officer.ID)
	return err
}

// createDatabase makes an empty database on the server of adminURL and
// returns its name and URL.
func createDatabase(ctx context.Context, adminURL, prefix string) (string, string, error) {
	c, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", "", fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer c.Close(ctx)
	name := randomName(prefix)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", "", fmt.Errorf("create the bench's database (needs CREATE DATABASE): %w", err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", "", err
	}
	u.Path = "/" + name
	return name, u.String(), nil
}

func dropDatabase(adminURL, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c, err := pgx.Connect(ctx, adminURL); err == nil {
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		c.Close(ctx)
	}
}

func withParam(raw, key, value string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// removeBucket empties the bench's bucket and removes it.
func removeBucket(b *blob.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := b.Client()
	objects := c.ListObjects(ctx, b.Bucket(), minio.ListObjectsOptions{Recursive: true})
	for e := range c.RemoveObjects(ctx, b.Bucket(), objects, minio.RemoveObjectsOptions{}) {
		slog.Warn("bench: removing an object", "key", e.ObjectName, "err", e.Err)
	}
	_ = c.RemoveBucket(ctx, b.Bucket())
}
