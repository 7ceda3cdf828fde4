package reliability

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// privatePG is a PostgreSQL cluster of the test's own, on a port and in a
// directory of its own, so that the test may stop and start it while the
// other packages go on using the shared one. As root it runs as user
// postgres, as deploy/dev/services.sh does.
type privatePG struct {
	t    *testing.T
	bin  string // directory of initdb, pg_ctl
	dir  string // data directory
	port int
}

// pgBinDir is the newest /usr/lib/postgresql/*/bin with initdb and pg_ctl,
// else the directory of pg_ctl on $PATH.
func pgBinDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
				return d
			}
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p)
	}
	t.Fatal("no initdb/pg_ctl: the database restart test runs a PostgreSQL of its own (apt-get install postgresql)")
	return ""
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func startPrivatePG(t *testing.T) *privatePG {
	t.Helper()
	// Not t.TempDir: user postgres must be able to enter it.
	dir, err := os.MkdirTemp("", "nyttig-rely-pg-")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(freeAddr(t))
	p := &privatePG{t: t, bin: pgBinDir(t), dir: dir}
	p.port, _ = strconv.Atoi(port)
	t.Cleanup(func() {
		_ = p.pgCtl("stop", "-m", "immediate", "-w", "-t", "60")
		os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, the cluster runs as user postgres, which does not exist: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := p.command("initdb", "-D", filepath.Join(dir, "data"), "--auth=trust", "-U", "postgres",
		"--encoding=UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	p.start()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, p.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE nyttig"); err != nil {
		t.Fatal(err)
	}
	return p
}

// command runs a PostgreSQL tool as the cluster's owner.
func (p *privatePG) command(tool string, args ...string) *exec.Cmd {
	path := filepath.Join(p.bin, tool)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = "/"
	return cmd
}

func (p *privatePG) pgCtl(args ...string) error {
	args = append([]string{"-D", filepath.Join(p.dir, "data"), "-l", filepath.Join(p.dir, "postgres.log")}, args...)
	out, err := p.command("pg_ctl", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %v: %v\n%s", args, err, out)
	}
	return nil
}

// start starts the cluster and waits until it takes connections.
func (p *privatePG) start() {
	p.t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off -c max_connections=100", p.port, p.dir)
	if err := p.pgCtl("start", "-w", "-t", "60", "-o", opts); err != nil {
		p.t.Fatalf("%v\n%s", err, tail(filepath.Join(p.dir, "postgres.log"), 3000))
	}
}

// stop shuts the cluster down as an administrator's restart does: fast
// mode, every session cut off.
func (p *privatePG) stop() {
	p.t.Helper()
	if err := p.pgCtl("stop", "-m", "fast", "-w", "-t", "60"); err != nil {
		p.t.Fatal(err)
	}
}

func (p *privatePG) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, db)
}
