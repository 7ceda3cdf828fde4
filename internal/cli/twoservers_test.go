package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"nyttig/internal/auth"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

// process is a `nyttig serve` process of the test.
type process struct {
	url  string
	cmd  *exec.Cmd
	logs *bytes.Buffer
}

// TestTwoServersOneDatabase starts two `nyttig serve` processes at the
// same moment on an empty database and one bucket, spreads requests over
// both as a load balancer would, and checks that the migrations applied
// once, a session made on one works on the other, and every notification
// was mailed once although both run the job queue.
func TestTwoServersOneDatabase(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "nyttig")
	if out, err := exec.Command("go", "build", "-o", bin, "nyttig/cmd/nyttig").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dbURL := testenv.EmptyDatabase(t)
	mail := testenv.Mail(t)
	env := append(os.Environ(), "DATABASE_URL="+dbURL, "S3_BUCKET="+testenv.Blobs(t).Bucket(),
		"NYTTIG_SMTP_ADDR="+mail.SMTPAddr, "NYTTIG_BASE_URL=http://nyttig.test")
	servers := []*process{start(t, bin, env), start(t, bin, env)}
	for _, s := range servers {
		s.waitReady(t)
	}

	ctx := context.Background()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var applied int
	if err := st.Pool().QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	var distinct int
	if err := st.Pool().QueryRow(ctx, "SELECT count(DISTINCT version) - count(*) FROM river_migration").Scan(&distinct); err != nil || distinct != 0 {
		t.Errorf("River's migrations recorded twice (%d) or unreadable (%v)", distinct, err)
	}
	if files, _ := filepath.Glob("../../migrations/*.sql"); applied != len(files) {
		t.Errorf("%d migrations recorded, want %d (each once)", applied, len(files))
	}

	hash, err := auth.HashPassword("nyttig-test-password")
	if err != nil {
		t.Fatal(err)
	}
	person := func(name string, role workflow.Role) (model.User, string) {
		u, err := st.CreateUser(ctx, store.NewUser{Email: testenv.Unique("two@example.no"), Name: name, PasswordHash: hash, Roles: []workflow.Role{role}})
		if err != nil {
			t.Fatal(err)
		}
		token := auth.NewToken()
		if err := st.AddToken(ctx, u.ID, token); err != nil {
			t.Fatal(err)
		}
		return u, token
	}
	applicant, token := person("Kari Søker", workflow.Applicant)
	officer, _ := person("Ola Saksbehandler", workflow.CaseOfficer)
	fund, err := st.CreateFund(ctx, "Innovasjonsfondet", "Sandnes kommune")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := st.SetBudget(ctx, fund.ID, now.In(workflow.Oslo).Year(), money.FromKroner(10_000_000)); err != nil {
		t.Fatal(err)
	}
	call, err := st.CreateCall(ctx, model.Call{FundID: fund.ID, Title: "Utlysning", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour),
		MaxAmountOre: money.FromKroner(500_000), BudgetYear: now.In(workflow.Oslo).Year()}, officer.ID)
	if err != nil {
		t.Fatal(err)
	}

	// Round robin: each application is created on one server and
	// submitted on the other.
	const n = 12
	for i := range n {
		a, b := servers[i%2], servers[(i+1)%2]
		body := fmt.Sprintf(`{"call_id": %d, "title": "Søknad %d", "summary": "s", "need": "n", "solution": "l", "adoption_plan": "p",
			"expected_benefits": "b", "unit": "Helse", "start_date": "2027-01-01", "end_date": "2027-12-31",
			"budget_lines": [{"category": "Utstyr", "amount_ore": 2500000}], "requested_amount_ore": 2500000}`, call.ID, i)
		var created struct{ ID int64 }
		a.api(t, "POST", "/api/v1/applications", token, body, http.StatusCreated, &created)
		b.api(t, "POST", fmt.Sprintf("/api/v1/applications/%d/events/submit", created.ID), token, "", http.StatusOK, nil)
	}

	// A session made on one server is good on the other.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	login, err := client.PostForm(servers[0].url+"/login", url.Values{"email": {applicant.Email}, "password": {"nyttig-test-password"}})
	if err != nil {
		t.Fatal(err)
	}
	login.Body.Close()
	u0, _ := url.Parse(servers[0].url)
	u1, _ := url.Parse(servers[1].url)
	jar.SetCookies(u1, jar.Cookies(u0))
	page, err := client.Get(servers[1].url + "/applications")
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if login.StatusCode != http.StatusSeeOther || page.StatusCode != http.StatusOK {
		t.Errorf("login on the first server: %s; its session on the second: %s", login.Status, page.Status)
	}

	// Every submission told the case officer, and each mail went once.
	waitUntil(t, "every mail job done", func() bool {
		var open int
		err := st.Pool().QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'deliver_mail' AND state <> 'completed'").Scan(&open)
		return err == nil && open == 0
	})
	var jobs, attempts int
	if err := st.Pool().QueryRow(ctx, "SELECT count(*), COALESCE(sum(attempt), 0) FROM river_job WHERE kind = 'deliver_mail'").Scan(&jobs, &attempts); err != nil {
		t.Fatal(err)
	}
	if got := len(mail.To(t, officer.Email)); got != n || jobs != n || attempts != n {
		t.Errorf("%d mails for %d submissions (%d jobs, %d attempts): want each once", got, n, jobs, attempts)
	}
	for _, s := range servers {
		s.stop(t)
	}
}

func start(t *testing.T, bin string, env []string) *process {
	t.Helper()
	return startIn(t, bin, env, "")
}

// startIn starts `nyttig serve` in the directory dir ("" for the test's).
func startIn(t *testing.T, bin string, env []string, dir string) *process {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &process{url: "http://" + addr, logs: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Dir = dir
	s.cmd.Env = append(env, "NYTTIG_ADDR="+addr)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Kill()
			_ = s.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("server %s logs:\n%s", s.url, s.logs)
		}
	})
	return s
}

func (s *process) waitReady(t *testing.T) {
	t.Helper()
	waitUntil(t, s.url+" ready", func() bool {
		res, err := http.Get(s.url + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
}

func (s *process) api(t *testing.T, method, path, token, body string, want int, out any) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s on %s: %s %s", method, path, s.url, res.Status, buf.String())
	}
	if out != nil {
		if err := json.Unmarshal(buf.Bytes(), out); err != nil {
			t.Fatal(err)
		}
	}
}

// stop sends SIGTERM and expects a clean exit.
func (s *process) stop(t *testing.T) {
	t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("%s did not stop cleanly: %v", s.url, err)
	}
}

// waitUntil polls cond, bounded at a minute: waiting for processes and
// queues, not measuring them.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	giveUp := time.After(time.Minute)
	for !cond() {
		select {
		case <-tick.C:
		case <-giveUp:
			t.Fatalf("%s: not within a minute", what)
		}
	}
}
