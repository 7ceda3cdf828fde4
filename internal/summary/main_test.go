package summary_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"nyttig/internal/seed"
	"nyttig/internal/store"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

func TestMain(m *testing.M) { testenv.Run(m) }

// now is the clock of every generated fund: late November 2026, so the
// 2025 fund has run its course and the 2026 one is under way.
var now = time.Date(2026, time.November, 24, 9, 0, 0, 0, workflow.Oslo)

var (
	funds   = map[int]seed.Synthetic{}
	fundsMu sync.Mutex
)

// syntheticFund generates a fund of n applications in 2025 once per
// package run.
func syntheticFund(tb testing.TB, n int) (*store.Store, seed.Synthetic) {
	tb.Helper()
	st := testenv.Store(tb)
	fundsMu.Lock()
	defer fundsMu.Unlock()
	if s, ok := funds[n]; ok {
		return st, s
	}
	s, err := seed.SyntheticFund(context.Background(), st, seed.SyntheticOptions{Applications: n, Year: 2025, Now: now, Seed: 42})
	if err != nil {
		tb.Fatal(err)
	}
	funds[n] = s
	return st, s
}
