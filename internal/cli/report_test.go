package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nyttig/internal/testenv"
)

// TestSeedSyntheticAndReportAnnual generates a fund with `nyttig seed
// --synthetic` and writes its annual summary in each format with `nyttig
// report annual`. (That the generated fund passes `nyttig check` is
// internal/seed's test: this package's database is corrupted on purpose
// by TestCheckCommand.)
func TestSeedSyntheticAndReportAnnual(t *testing.T) {
	t.Setenv("DATABASE_URL", testenv.DatabaseURL(t))
	t.Setenv("S3_BUCKET", testenv.Blobs(t).Bucket())
	ctx := context.Background()
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Run(ctx, args, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	code, out, errOut := run("seed", "--synthetic", "150", "--year", "2025")
	if code != 0 {
		t.Fatalf("seed --synthetic: exit %d\n%s\n%s", code, out, errOut)
	}
	m := regexp.MustCompile(`Generated fund (\d+) `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("seed --synthetic names no fund:\n%s", out)
	}
	fund := m[1]

	dir := t.TempDir()
	for _, format := range []string{"pdf", "csv", "json"} {
		path := filepath.Join(dir, "summary."+format)
		code, out, errOut := run("report", "annual", "--fund", fund, "--year", "2025", "--format", format, "--lang", "en", "-o", path)
		if code != 0 {
			t.Fatalf("report annual --format %s: exit %d\n%s\n%s", format, code, out, errOut)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch format {
		case "pdf":
			if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) || len(b) < 10_000 {
				t.Errorf("the PDF is not one: %.40q", b)
			}
		case "csv":
			if !bytes.HasPrefix(b, []byte("section;group;measure;label;value\r\n")) || !bytes.Contains(b, []byte("applications;;received;Received;")) {
				t.Errorf("the CSV is not the summary's: %.200q", b)
			}
		case "json":
			var v struct {
				FundID int64 `json:"fund_id"`
				Year   int   `json:"year"`
				Totals struct {
					Received int `json:"received"`
				} `json:"totals"`
			}
			if err := json.Unmarshal(b, &v); err != nil || strconv.FormatInt(v.FundID, 10) != fund || v.Year != 2025 || v.Totals.Received == 0 {
				t.Errorf("the JSON is not the summary's (%v): %.200s", err, b)
			}
		}
		if !strings.Contains(errOut, "wrote "+path) {
			t.Errorf("report annual says %q", errOut)
		}
	}

	// Without --year: the latest year with decisions.
	code, out, errOut = run("report", "annual", "--fund", fund, "--format", "json", "-o", "-")
	if code != 0 {
		t.Fatalf("report annual without --year: exit %d\n%s", code, errOut)
	}
	var latest struct {
		Year int `json:"year"`
	}
	if err := json.Unmarshal([]byte(out), &latest); err != nil || latest.Year < 2025 {
		t.Errorf("without --year the summary is for %d (%v)", latest.Year, err)
	}
	// Several funds and no --fund: the command says which there are.
	if code, _, errOut := run("report", "annual", "-o", filepath.Join(dir, "x.pdf")); code != 1 || !strings.Contains(errOut, "--fund") {
		t.Errorf("without --fund among several funds: exit %d, %q", code, errOut)
	}
	if code, _, _ := run("report", "annual", "--format", "doc", "-o", "x"); code != 2 {
		t.Errorf("an unknown format: exit %d, want 2", code)
	}
}
