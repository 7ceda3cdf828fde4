package auth

import (
	"errors"
	"testing"
)

// FuzzCheckPassword checks a password against any stored hash text: a hash
// that is not one of ours is errBadHash, never a panic, and a password is
// never accepted by a malformed hash.
func FuzzCheckPassword(f *testing.F) {
	// A real hash with the cheapest parameters, so the fuzzer spends its
	// time on the parsing, not on argon2.
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$Yqs9PIcrE1f3s9LmDUKf6g", "korrekt hest batteri")
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$$AA", "")
	f.Add("$argon2i$v=19$m=1,t=1,p=1$AA$AA", "x")
	f.Add("$argon2id$v=19$m=x$AA$AA", "x")
	f.Add("plain", "plain")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, encoded, password string) {
		ok, err := CheckPassword(encoded, password)
		if err != nil && !errors.Is(err, errBadHash) {
			t.Errorf("CheckPassword(%q) failed with %v, not errBadHash", encoded, err)
		}
		if err != nil && ok {
			t.Errorf("CheckPassword(%q) accepted the password with a malformed hash", encoded)
		}
	})
}
