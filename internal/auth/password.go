// Package auth owns credentials: argon2id password hashes, random API
// tokens and session ids. Storage of their hashes is the store's business.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: the RFC 9106 second recommended option (64 MiB,
// 3 passes) scaled to 19 MiB and 2 passes as OWASP recommends for a server
// that must stay responsive when many people log in at a deadline.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Bounds on the parameters a stored hash may name: argon2 panics on zero
// passes or threads, and a hash naming gigabytes would stall every login
// against it. They leave room to raise the parameters to RFC 9106's
// 64 MiB option.
const (
	maxArgonTime   = 8
	maxArgonMemory = 64 * 1024
	maxArgonKeyLen = 128
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// HashPassword returns an encoded argon2id hash of password.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", fmt.Errorf("a password needs at least %d characters", MinPasswordLength)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// CheckPassword reports whether password matches an encoded hash, using the
// parameters stored in the hash so they can be raised later.
func CheckPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var mem, iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil ||
		iter < 1 || iter > maxArgonTime || threads < 1 || mem < 8*uint32(threads) || mem > maxArgonMemory {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > maxArgonKeyLen {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, iter, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when a login names no known user, so that a
// wrong email costs the same time as a wrong password.
var dummyHash, _ = HashPassword("not-a-real-password")

// CheckNobody spends the time of a password check and returns false.
func CheckNobody(password string) bool {
	_, _ = CheckPassword(dummyHash, password)
	return false
}

// NewToken returns a new random API token, prefixed so it is recognisable
// in logs and secret scanners.
func NewToken() string { return "nyt_" + randomString(32) }

// NewSessionID returns a new random session id.
func NewSessionID() string { return randomString(32) }

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
