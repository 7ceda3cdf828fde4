// Package reliability holds Nyttig's reliability suite as Go tests: the
// real `nyttig` binary, served against real PostgreSQL and MinIO, is
// killed, loses its database or its object storage, or is raced, while
// clients of package loadgen drive it; afterwards every acknowledged
// request must be in the database and `nyttig check` must find every
// invariant holding.
//
// By default the suite runs a short round of each (a few minutes, part of
// `make test`); NYTTIG_RELIABILITY=full runs ten crashes and bigger loads
// (`make reliability`). The suite prints a summary at the end: operations
// run, faults injected, bad inputs tried, violations found. See
// docs/reliability.md.
package reliability
