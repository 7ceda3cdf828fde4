package letter

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// poppler runs one of poppler-utils' tools on pdf and returns its output.
// The tools are required: make test installs them, and a missing tool fails
// the test rather than skipping it.
func poppler(t *testing.T, pdf []byte, tool string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s not found: install poppler-utils (apt-get install poppler-utils; make test does it): %v", tool, err)
	}
	file := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, append(args, file)...)
	if tool == "pdftotext" {
		cmd.Args = append(cmd.Args, "-")
	}
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v: %s", tool, err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("%s complained: %s", tool, stderr.String())
	}
	return stdout.String()
}

// text extracts the letter's text with its layout.
func text(t *testing.T, pdf []byte) string { return poppler(t, pdf, "pdftotext", "-layout") }

// pageText extracts the text of one page.
func pageText(t *testing.T, pdf []byte, page int) string {
	p := strconv.Itoa(page)
	return poppler(t, pdf, "pdftotext", "-layout", "-f", p, "-l", p)
}

// info returns pdfinfo's fields by name.
func info(t *testing.T, pdf []byte) map[string]string {
	out := poppler(t, pdf, "pdfinfo", "-isodates")
	fields := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^([A-Za-z ]+):\s*(.*)$`).FindAllStringSubmatch(out, -1) {
		fields[m[1]] = m[2]
	}
	return fields
}

// pages is the page count pdfinfo reports.
func pages(t *testing.T, pdf []byte) int {
	n, err := strconv.Atoi(info(t, pdf)["Pages"])
	if err != nil {
		t.Fatalf("pdfinfo page count: %v", err)
	}
	return n
}
