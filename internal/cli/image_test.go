package cli

import (
	"debug/elf"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nyttig/internal/testenv"
)

// buildLikeImage builds nyttig with deploy/Dockerfile's flags (static,
// no VCS stamp, the version set at link time) into a new directory.
func buildLikeImage(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin", "nyttig")
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w -X nyttig/internal/cli.buildVersion=image-test", "-o", bin, "nyttig/cmd/nyttig")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestImageBinary runs the binary as the container image would: static
// (no dynamic loader), from a directory holding nothing else, so the
// migrations, templates and static files can only come from inside it; it
// serves pages and assets, and `nyttig probe`, the image's health check,
// reports it ready.
func TestImageBinary(t *testing.T) {
	bin := buildLikeImage(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary needs a dynamic loader; the distroless static image has none")
		}
	}
	f.Close()

	env := append(os.Environ(), "DATABASE_URL="+testenv.EmptyDatabase(t), "S3_BUCKET="+testenv.EmptyBucket(t))
	s := startIn(t, bin, env, t.TempDir())
	s.waitReady(t)
	for path, want := range map[string]string{"/login": "<form", "/static/style.css": "{"} {
		res, err := http.Get(s.url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %s, %d bytes", path, res.Status, len(body))
		}
	}
	probe := exec.Command(bin, "probe")
	probe.Env = append(env, "NYTTIG_ADDR="+strings.TrimPrefix(s.url, "http://"))
	if out, err := probe.CombinedOutput(); err != nil || !strings.Contains(string(out), "ready") {
		t.Errorf("nyttig probe: %v\n%s", err, out)
	}
	s.stop(t)
}
