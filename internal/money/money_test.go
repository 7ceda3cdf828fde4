package money

import "testing"

func TestString(t *testing.T) {
	for _, tc := range []struct {
		in   Ore
		want string
	}{
		{0, "kr 0"},
		{100, "kr 1"},
		{125000000, "kr 1\u00a0250\u00a0000"},
		{1250, "kr 12,50"},
		{105, "kr 1,05"},
		{-50000, "kr −500"},
		{99999900, "kr 999\u00a0999"},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%d: got %q want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseKroner(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Ore
		ok   bool
	}{
		{"1 250 000", 125000000, true},
		{"kr 12 500", 1250000, true},
		{"1.250.000", 125000000, true},
		{"12,5", 1250, true},
		{"12,50", 1250, true},
		{"12,505", 0, false},
		{"abc", 0, false},
		{"", 0, false},
		{"-5", 0, false},
		{"1e6", 0, false},
	} {
		got, ok := ParseKroner(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: got %d,%v want %d,%v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPlain(t *testing.T) {
	for _, c := range []struct {
		in   Ore
		want string
	}{{0, "0,00"}, {5, "0,05"}, {1250, "12,50"}, {125_000_000, "1250000,00"}, {-1250, "-12,50"}, {99, "0,99"}} {
		if got := c.in.Plain(); got != c.want {
			t.Errorf("Ore(%d).Plain() = %q, want %q", c.in, got, c.want)
		}
	}
}
