package deploy_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, ...
	args string
}

// stage is the instructions from one FROM to the next.
type stage struct {
	image, name string
	body        []instruction
}

// parseDockerfile splits a Dockerfile into stages; enough of the syntax
// for the checks below (no heredocs, no parser directives but syntax=).
func parseDockerfile(src string) []stage {
	var stages []stage
	var pending string
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && pending == "") {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			pending += strings.TrimSuffix(trimmed, "\\") + " "
			continue
		}
		full := pending + trimmed
		pending = ""
		if full == "" {
			continue
		}
		cmd, args, _ := strings.Cut(full, " ")
		in := instruction{strings.ToUpper(cmd), strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			s := stage{image: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
		}
	}
	return stages
}

func (s stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.body {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// execForm reports whether args is a JSON array of strings (not a
// shell-form command, which would need a shell the image lacks).
func execForm(args string) bool {
	var v []string
	return json.Unmarshal([]byte(args), &v) == nil && len(v) > 0
}

func TestDockerfile(t *testing.T) {
	src, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	stages := parseDockerfile(string(src))
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a multi-stage build", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	if !strings.HasPrefix(build.image, "golang:1.26") || build.name == "" {
		t.Errorf("the build stage is %q (as %q), want a named golang:1.26 stage", build.image, build.name)
	}
	var static bool
	for _, in := range build.all("RUN") {
		if strings.Contains(in.args, "go build") && strings.Contains(in.args, "CGO_ENABLED=0") && strings.Contains(in.args, "./cmd/nyttig") {
			static = true
		}
	}
	if !static {
		t.Error("no RUN builds ./cmd/nyttig with CGO_ENABLED=0 (a static binary)")
	}

	if !strings.HasPrefix(final.image, "gcr.io/distroless/static") && final.image != "scratch" {
		t.Errorf("the final stage is %s, want distroless static or scratch", final.image)
	}
	if strings.HasSuffix(final.image, ":latest") || !strings.Contains(final.image, ":") && final.image != "scratch" {
		t.Errorf("the final image %s is not pinned", final.image)
	}
	if len(final.all("RUN")) > 0 {
		t.Error("the final stage runs commands: it has no shell, and needs none")
	}
	copies := final.all("COPY")
	if len(copies) != 1 || !strings.HasPrefix(copies[0].args, "--from="+build.name+" ") {
		t.Errorf("the final stage must copy only the binary from %s (migrations and assets are embedded): %v", build.name, copies)
	}
	users := final.all("USER")
	if len(users) == 0 {
		t.Fatal("the final stage sets no USER: it would run as root")
	}
	user, _, _ := strings.Cut(users[len(users)-1].args, ":")
	if user == "root" || user == "0" || user == "" {
		t.Errorf("the final stage runs as %q", users[len(users)-1].args)
	}
	for _, cmd := range []string{"ENTRYPOINT", "CMD"} {
		ins := final.all(cmd)
		if len(ins) != 1 || !execForm(ins[0].args) {
			t.Errorf("want one %s in exec form (a JSON array), got %v", cmd, ins)
		}
	}
	if hc := final.all("HEALTHCHECK"); len(hc) != 1 || !execForm(hc[0].args[strings.Index(hc[0].args, "CMD ")+4:]) {
		t.Errorf("want a HEALTHCHECK whose CMD is in exec form, got %v", hc)
	}
	// The binary lands where ENTRYPOINT and the health checks call it.
	binary := strings.Fields(copies[len(copies)-1].args)
	var entrypoint []string
	_ = json.Unmarshal([]byte(final.all("ENTRYPOINT")[0].args), &entrypoint)
	if len(entrypoint) == 0 || entrypoint[0] != binary[len(binary)-1] {
		t.Errorf("ENTRYPOINT %v does not run the copied binary %s", entrypoint, binary[len(binary)-1])
	}
	if hc := final.all("HEALTHCHECK"); len(hc) == 1 && !strings.Contains(hc[0].args, `["`+entrypoint[0]+`", "probe"`) {
		t.Errorf("the HEALTHCHECK does not run %s probe", entrypoint[0])
	}
	// The version set at link time must name a variable that exists.
	cli, err := os.ReadFile("../internal/cli/cli.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "-X nyttig/internal/cli.buildVersion=") || !strings.Contains(string(cli), "\nvar buildVersion string\n") {
		t.Error("the build's -X nyttig/internal/cli.buildVersion does not match internal/cli")
	}
	for _, s := range stages {
		if len(s.all("ADD")) > 0 {
			t.Errorf("stage %s uses ADD; COPY says what it does", s.image)
		}
	}
}

// TestDockerfileParser keeps the parser honest on what the checks rely on.
func TestDockerfileParser(t *testing.T) {
	stages := parseDockerfile("FROM a:1 AS b\n# c\nRUN x \\\n  y\nFROM d:2\nUSER 1\nENTRYPOINT /bin/sh -c x\n")
	if len(stages) != 2 || stages[0].name != "b" || stages[0].body[0].args != "x  y" || stages[1].image != "d:2" {
		t.Fatalf("parsed %+v", stages)
	}
	if execForm(stages[1].all("ENTRYPOINT")[0].args) {
		t.Error("a shell-form ENTRYPOINT passed as exec form")
	}
}
