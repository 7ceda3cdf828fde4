// Package workflow owns Nyttig's lifecycles: which event moves which state,
// for which role, under which guard, and what each state and event is called
// in bokmål and English. It is pure: no SQL, no HTTP, no clock reads (the
// caller passes the time in Facts). A fresh looplab/fsm machine is built from
// the stored state for every request; none is ever shared.
package workflow
