package deadline

import (
	"testing"
	"time"
)

func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, Oslo) }

func TestEaster(t *testing.T) {
	for y, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25"} {
		if got := EasterSunday(y).Format(time.DateOnly); got != want {
			t.Errorf("%d: got %s, want %s", y, got, want)
		}
	}
}

func TestHolidays(t *testing.T) {
	for _, tc := range []struct {
		day  time.Time
		want bool
	}{
		{at(2026, 4, 2, 12, 0), true},   // skjærtorsdag
		{at(2026, 4, 3, 12, 0), true},   // langfredag
		{at(2026, 4, 6, 12, 0), true},   // 2. påskedag
		{at(2026, 5, 14, 12, 0), true},  // Kristi himmelfartsdag
		{at(2026, 5, 25, 12, 0), true},  // 2. pinsedag
		{at(2026, 5, 17, 12, 0), true},  // grunnlovsdag
		{at(2026, 12, 26, 12, 0), true}, // 2. juledag
		{at(2026, 12, 24, 12, 0), false},
		{at(2026, 4, 7, 12, 0), false},
	} {
		if got := Holiday(tc.day); got != tc.want {
			t.Errorf("%s: got %v", tc.day.Format(time.DateOnly), got)
		}
	}
}

func TestAppealDeadline(t *testing.T) {
	for _, tc := range []struct {
		name    string
		receipt time.Time
		want    string // the last day, in Oslo
	}{
		{"an ordinary Tuesday", at(2026, 9, 1, 10, 0), "2026-09-22"},
		{"across a month end", at(2026, 1, 20, 9, 0), "2026-02-10"},
		{"across February in a leap year", at(2028, 2, 10, 9, 0), "2028-03-02"},
		{"received just after midnight Oslo time, still the 1st", at(2026, 9, 1, 0, 5), "2026-09-22"},
		{"across the change to summer time", at(2026, 3, 20, 23, 30), "2026-04-10"},
		{"across the change to winter time", at(2026, 10, 15, 8, 0), "2026-11-05"},
		{"ending on a Saturday moves to Monday", at(2026, 9, 5, 12, 0), "2026-09-28"},
		{"ending on 17 May moves to the 18th", at(2027, 4, 26, 12, 0), "2027-05-18"},
		{"ending in Easter moves past it", at(2026, 3, 12, 12, 0), "2026-04-07"},
	} {
		got := Weeks(tc.receipt, 3)
		l := got.In(Oslo)
		if l.Format(time.DateOnly) != tc.want || l.Hour() != 23 || l.Minute() != 59 {
			t.Errorf("%s: got %s, want the end of %s", tc.name, l.Format(time.RFC3339), tc.want)
		}
	}
	// A receipt given in UTC late in the evening is already the next day in Oslo.
	utc := time.Date(2026, 9, 1, 22, 30, 0, 0, time.UTC) // 00:30 on the 2nd in Oslo (summer time)
	if got := Weeks(utc, 3).In(Oslo).Format(time.DateOnly); got != "2026-09-23" {
		t.Errorf("UTC evening receipt: got %s", got)
	}
}

func TestReceipt(t *testing.T) {
	available := at(2026, 9, 1, 10, 0)
	early := at(2026, 9, 3, 8, 0)
	late := at(2026, 9, 20, 8, 0)
	if got := Receipt(available, &early, 7); !got.Equal(early) {
		t.Errorf("opened early: got %s", got)
	}
	if got := Receipt(available, &late, 7); !got.Equal(at(2026, 9, 8, 10, 0)) {
		t.Errorf("opened late: got %s", got)
	}
	if got := Receipt(available, nil, 7); !got.Equal(at(2026, 9, 8, 10, 0)) {
		t.Errorf("never opened: got %s", got)
	}
}
