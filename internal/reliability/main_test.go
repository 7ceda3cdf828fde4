package reliability

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"nyttig/internal/testenv"
)

// size is how hard the suite pushes: short by default, full under
// NYTTIG_RELIABILITY=full.
type size struct {
	name      string
	crashes   int // kill -9 rounds
	clients   int // concurrent loadgen clients
	perClient int // applications per client in the bounded runs
	pdfBytes  int // the attached PDF
	racers    int // concurrent requests in a race
	killGap   int // most milliseconds between two kills
}

var scale = func() size {
	if os.Getenv("NYTTIG_RELIABILITY") == "full" {
		return size{name: "full", crashes: 10, clients: 16, perClient: 10, pdfBytes: 1 << 20, racers: 60, killGap: 4000}
	}
	return size{name: "short", crashes: 3, clients: 4, perClient: 4, pdfBytes: 32 << 10, racers: 12, killGap: 1500}
}()

// tally is what the suite did, for the summary.
var tally struct {
	sync.Mutex
	operations int // HTTP requests sent, retries included
	faults     int // kills, database stops, storage stops
	violations int // invariants found broken, acknowledged writes missing, 500s
	notes      []string
}

func countOps(n int) {
	tally.Lock()
	defer tally.Unlock()
	tally.operations += n
}

func countFault() {
	tally.Lock()
	defer tally.Unlock()
	tally.faults++
}

// violation fails the test and counts a violation for the summary.
func violation(t *testing.T, format string, args ...any) {
	t.Helper()
	tally.Lock()
	tally.violations++
	tally.Unlock()
	t.Errorf("VIOLATION: "+format, args...)
}

// note keeps a line for the summary, such as a measured recovery time.
func note(format string, args ...any) {
	tally.Lock()
	defer tally.Unlock()
	tally.notes = append(tally.notes, fmt.Sprintf(format, args...))
}

func TestMain(m *testing.M) {
	testenv.Run(m, printSummary, removeBinary)
}

// badInputs reads the number of bad inputs the fuzz and bad-input run
// tried from the file NYTTIG_BADINPUT_SUMMARY names (one integer), if any.
func badInputs() string {
	path := os.Getenv("NYTTIG_BADINPUT_SUMMARY")
	if path == "" {
		return "0 (NYTTIG_BADINPUT_SUMMARY not set: no bad-input run to read)"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("0 (%v)", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Sprintf("0 (%s holds no number)", filepath.Base(path))
	}
	return strconv.Itoa(n)
}

func printSummary() {
	tally.Lock()
	defer tally.Unlock()
	w := os.Stdout
	fmt.Fprintf(w, "\n== reliability summary (%s mode) ==\n", scale.name)
	fmt.Fprintf(w, "%-22s %d\n", "operations run", tally.operations)
	fmt.Fprintf(w, "%-22s %d\n", "faults injected", tally.faults)
	fmt.Fprintf(w, "%-22s %s\n", "bad inputs tried", badInputs())
	fmt.Fprintf(w, "%-22s %d\n", "violations found", tally.violations)
	fmt.Fprintf(w, "%-22s %s\n", "access", "route × role matrix: internal/api/authz_test.go (TestAuthorization)")
	for _, n := range tally.notes {
		fmt.Fprintf(w, "  - %s\n", n)
	}
}
