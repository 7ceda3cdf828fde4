package jobs

import (
	"testing"
	"time"

	"nyttig/workflow"
)

func TestDailyAtIsOsloTime(t *testing.T) {
	at := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, workflow.Oslo)
	}
	s := dailyAt{hour: 7}
	for _, tc := range []struct{ now, want time.Time }{
		{at(2026, 11, 24, 6, 59), at(2026, 11, 24, 7, 0)},
		{at(2026, 11, 24, 7, 0), at(2026, 11, 25, 7, 0)},
		{at(2026, 12, 31, 23, 0), at(2027, 1, 1, 7, 0)},
		// The night summer time starts is an hour short; 07:00 is still 07:00.
		{at(2027, 3, 27, 8, 0), at(2027, 3, 28, 7, 0)},
		{at(2027, 10, 30, 8, 0), at(2027, 10, 31, 7, 0)},
	} {
		if got := s.Next(tc.now.UTC()); !got.Equal(tc.want) {
			t.Errorf("after %s: %s, want %s", tc.now, got.In(workflow.Oslo), tc.want)
		}
	}
}
