package deploy_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"nyttig/internal/config"
	"nyttig/internal/metrics"
)

const operationsDoc = "../docs/operations.md"

// configTable is docs/operations.md's configuration reference, written
// from config.Vars.
func configTable() string {
	var b strings.Builder
	b.WriteString("| variable | default | meaning |\n|---|---|---|\n")
	for _, v := range config.Vars {
		def := ""
		if v.Default != "" {
			def = "`" + v.Default + "`"
		}
		b.WriteString("| `" + v.Name + "` | " + def + " | " + v.Meaning + " |\n")
	}
	return b.String()
}

func TestOperationsDocConfigurationTable(t *testing.T) {
	doc, err := os.ReadFile(operationsDoc)
	if err != nil {
		t.Fatal(err)
	}
	// The table runs from its header to the first line that is not a row.
	_, table, _ := strings.Cut(string(doc), "| variable | default | meaning |\n")
	end := 0
	for _, line := range strings.SplitAfter(table, "\n") {
		if !strings.HasPrefix(line, "|") {
			break
		}
		end += len(line)
	}
	if "| variable | default | meaning |\n"+table[:end] != configTable() {
		t.Errorf("docs/operations.md's configuration table is not config.Vars; replace it with:\n\n%s", configTable())
	}
}

// TestOperationsDocMetrics checks that the documentation names every
// metric of internal/metrics and no nyttig_ metric that does not exist.
func TestOperationsDocMetrics(t *testing.T) {
	doc, err := os.ReadFile(operationsDoc)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range []prometheus.Collector{metrics.Requests, metrics.Latency, metrics.Transitions} {
		descs := make(chan *prometheus.Desc, 4)
		c.Describe(descs)
		close(descs)
		for d := range descs {
			m := regexp.MustCompile(`fqName: "([a-z_]+)"`).FindStringSubmatch(d.String())
			if m == nil {
				t.Fatalf("no name in %s", d)
			}
			names = append(names, m[1])
		}
	}
	for _, n := range names {
		if !strings.Contains(string(doc), "`"+n+"`") {
			t.Errorf("docs/operations.md does not describe the metric %s", n)
		}
	}
	for _, n := range regexp.MustCompile(`\bnyttig_[a-z_]+_(?:total|seconds|bytes)\b`).FindAllString(string(doc), -1) {
		if !slices.Contains(names, n) {
			t.Errorf("docs/operations.md names the metric %s, which Nyttig does not export", n)
		}
	}
}
