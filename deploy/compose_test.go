package deploy_test

import (
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// compose holds the Compose fields deploy/compose.yaml may use; decoding
// is strict, so a field outside them (or a misspelt one) fails the test.
type compose struct {
	Name     string                    `json:"name"`
	Services map[string]composeService `json:"services"`
	Volumes  map[string]*struct{}      `json:"volumes"`
}

type composeService struct {
	Build *struct {
		Context    string `json:"context"`
		Dockerfile string `json:"dockerfile"`
	} `json:"build"`
	Image       string            `json:"image"`
	Restart     string            `json:"restart"`
	StopGrace   string            `json:"stop_grace_period"`
	ReadOnly    bool              `json:"read_only"`
	User        string            `json:"user"`
	CapDrop     []string          `json:"cap_drop"`
	SecurityOpt []string          `json:"security_opt"`
	Tmpfs       []string          `json:"tmpfs"`
	Ports       []string          `json:"ports"`
	Command     []string          `json:"command"`
	Environment map[string]string `json:"environment"`
	DependsOn   map[string]struct {
		Condition string `json:"condition"`
	} `json:"depends_on"`
	Healthcheck *struct {
		Test        []string `json:"test"`
		Interval    string   `json:"interval"`
		Timeout     string   `json:"timeout"`
		Retries     int      `json:"retries"`
		StartPeriod string   `json:"start_period"`
	} `json:"healthcheck"`
	Volumes []string `json:"volumes"`
}

func TestCompose(t *testing.T) {
	data, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	var names []string
	for name := range c.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := []string{"mailpit", "minio", "nyttig", "postgres"}; !slices.Equal(names, want) {
		t.Fatalf("services %v, want %v", names, want)
	}
	used := map[string]bool{}
	for name, s := range c.Services {
		if s.Healthcheck == nil || len(s.Healthcheck.Test) < 2 || s.Healthcheck.Test[0] != "CMD" {
			t.Errorf("%s: want a health check in exec form [\"CMD\", ...]", name)
		}
		if tag := s.Image[strings.LastIndexByte(s.Image, ':')+1:]; !strings.Contains(s.Image, ":") || tag == "latest" {
			t.Errorf("%s: image %q is not pinned to a version", name, s.Image)
		}
		for _, v := range s.Volumes {
			source, _, ok := strings.Cut(v, ":")
			if _, declared := c.Volumes[source]; !ok || !declared {
				t.Errorf("%s: volume %q is not a declared named volume", name, v)
			}
			used[source] = true
		}
	}
	for v := range c.Volumes {
		if !used[v] {
			t.Errorf("volume %s is declared but unused", v)
		}
	}
	for _, name := range []string{"postgres", "minio"} {
		if len(c.Services[name].Volumes) == 0 {
			t.Errorf("%s keeps its data outside a volume", name)
		}
	}

	n := c.Services["nyttig"]
	if n.Build == nil || n.Build.Dockerfile != "deploy/Dockerfile" || n.Build.Context != ".." {
		t.Error("nyttig must be built from the repository root with deploy/Dockerfile")
	}
	if !n.ReadOnly || !slices.Contains(n.Tmpfs, "/tmp") || n.User == "" || strings.HasPrefix(n.User, "0") ||
		!slices.Equal(n.CapDrop, []string{"ALL"}) {
		t.Error("nyttig must run read-only with a /tmp tmpfs, as a non-root user, with all capabilities dropped")
	}
	for _, dep := range []string{"postgres", "minio", "mailpit"} {
		if n.DependsOn[dep].Condition != "service_healthy" {
			t.Errorf("nyttig must wait for %s to be healthy", dep)
		}
	}
	if !slices.Contains(n.Healthcheck.Test, "/readyz") || n.Healthcheck.Test[1] != "/usr/local/bin/nyttig" {
		t.Errorf("nyttig's health check %v does not ask /readyz", n.Healthcheck.Test)
	}
	checkEnv(t, "compose.yaml", n.Environment)

	// The server's settings must reach the services as they are set up.
	db, err := url.Parse(n.Environment["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	pg := c.Services["postgres"].Environment
	password, _ := db.User.Password()
	if db.Hostname() != "postgres" || db.User.Username() != pg["POSTGRES_USER"] || password != pg["POSTGRES_PASSWORD"] ||
		db.Path != "/"+pg["POSTGRES_DB"] {
		t.Errorf("DATABASE_URL %s does not match the postgres service", db.Redacted())
	}
	minio := c.Services["minio"].Environment
	if !strings.HasPrefix(n.Environment["S3_ENDPOINT"], "minio:") || n.Environment["S3_ACCESS_KEY"] != minio["MINIO_ROOT_USER"] ||
		n.Environment["S3_SECRET_KEY"] != minio["MINIO_ROOT_PASSWORD"] {
		t.Error("S3_ENDPOINT and the S3 keys do not match the minio service")
	}
	if !strings.HasPrefix(n.Environment["NYTTIG_SMTP_ADDR"], "mailpit:") {
		t.Error("NYTTIG_SMTP_ADDR does not point at the mailpit service")
	}
}
