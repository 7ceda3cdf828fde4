package auth

import (
	"strings"
	"testing"
)

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("korrekt hest batteri")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("unexpected encoding %q", h)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"korrekt hest batteri", true}, {"korrekt hest batteri ", false}, {"", false}} {
		ok, err := CheckPassword(h, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("%q: got %v,%v want %v", tc.pw, ok, err, tc.want)
		}
	}
	h2, _ := HashPassword("korrekt hest batteri")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

func TestShortPasswordRefused(t *testing.T) {
	if _, err := HashPassword("kort"); err == nil {
		t.Fatal("a 4-character password was accepted")
	}
}

func TestMalformedHash(t *testing.T) {
	for _, h := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=0,t=0,p=0$$00", "$argon2id$v=19$m=4194304,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "plain"} {
		if ok, err := CheckPassword(h, "x"); ok || err == nil {
			t.Errorf("%q: got %v,%v, want an error", h, ok, err)
		}
	}
}

func TestTokensAreDistinct(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || !strings.HasPrefix(a, "nyt_") || len(a) < 40 {
		t.Fatalf("tokens %q %q", a, b)
	}
}
