// Package deadline owns the arithmetic of legal deadlines in Europe/Oslo:
// when a letter counts as received, when the three-week appeal deadline of
// forvaltningsloven runs out, and which days are Norwegian public holidays.
package deadline

import (
	"time"

	_ "time/tzdata" // Europe/Oslo even on hosts without a zone database
)

// Oslo is the time zone every deadline is computed in.
var Oslo = mustLoad("Europe/Oslo")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Receipt is when a letter counts as received: when the addressee first
// opened it, or graceDays after it was made available, whichever is first.
func Receipt(availableAt time.Time, firstOpened *time.Time, graceDays int) time.Time {
	assumed := availableAt.In(Oslo).AddDate(0, 0, graceDays)
	if firstOpened != nil && firstOpened.Before(assumed) {
		return *firstOpened
	}
	return assumed
}

// Weeks returns the end of a deadline of n weeks from receipt: the last
// moment (23:59:59.999 Oslo time) of the day that is n weeks after the day
// of receipt, moved to the next working day when that is a Saturday,
// Sunday or public holiday (forvaltningsloven § 30, domstolloven § 149).
// Working in calendar dates keeps the answer right across month ends and
// the daylight-saving changes.
func Weeks(receipt time.Time, n int) time.Time {
	r := receipt.In(Oslo)
	day := time.Date(r.Year(), r.Month(), r.Day()+7*n, 12, 0, 0, 0, Oslo)
	for !WorkingDay(day) {
		day = day.AddDate(0, 0, 1)
	}
	return EndOfDay(day)
}

// Days returns the end of the day n calendar days after t (no working-day
// adjustment), for deadlines a fund sets itself.
func Days(t time.Time, n int) time.Time {
	l := t.In(Oslo)
	return EndOfDay(time.Date(l.Year(), l.Month(), l.Day()+n, 12, 0, 0, 0, Oslo))
}

// EndOfDay is the last moment of t's day in Oslo.
func EndOfDay(t time.Time) time.Time {
	l := t.In(Oslo)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, Oslo).Add(-time.Millisecond)
}

// WorkingDay reports whether t's day in Oslo is neither a weekend nor a
// public holiday.
func WorkingDay(t time.Time) bool {
	l := t.In(Oslo)
	if wd := l.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !Holiday(l)
}

// Holiday reports whether t's day in Oslo is a Norwegian public holiday
// (helligdag or lovbestemt høytidsdag).
func Holiday(t time.Time) bool {
	l := t.In(Oslo)
	y, m, d := l.Date()
	switch {
	case m == time.January && d == 1, // nyttårsdag
		m == time.May && d == 1,                    // arbeidernes dag
		m == time.May && d == 17,                   // grunnlovsdag
		m == time.December && (d == 25 || d == 26): // jul
		return true
	}
	easter := EasterSunday(y)
	for _, offset := range []int{-3, -2, 0, 1, 39, 49, 50} { // skjærtorsdag … 2. pinsedag
		e := easter.AddDate(0, 0, offset)
		if e.Month() == m && e.Day() == d {
			return true
		}
	}
	return false
}

// EasterSunday returns Easter Sunday of year (Gregorian; the anonymous
// algorithm of Meeus, Jones and Butcher).
func EasterSunday(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 12, 0, 0, 0, Oslo)
}
