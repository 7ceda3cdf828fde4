package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/looplab/fsm"

	"nyttig/internal/i18n"
)

// StateDesc is one state and its label.
type StateDesc struct {
	State State
	Label i18n.Text
}

// Transition is one row of a lifecycle table.
type Transition struct {
	Event Event
	From  []State
	To    State
	Roles []Role
	// OwnerOnly restricts an applicant-role row to the application's own
	// project lead.
	OwnerOnly bool
	Guards    []Guard
	Label     i18n.Text
}

// Lifecycle is a validated table of states and transitions.
type Lifecycle struct {
	states      []StateDesc
	transitions []Transition
	fsmEvents   fsm.Events
}

// MustNew builds a lifecycle and panics when the table is inconsistent: an
// unknown state, or two rows that move the same event from the same state.
func MustNew(states []StateDesc, transitions []Transition) *Lifecycle {
	known := map[State]bool{}
	for _, s := range states {
		known[s.State] = true
	}
	seen := map[string]bool{}
	var events fsm.Events
	for _, t := range transitions {
		if !known[t.To] {
			panic(fmt.Sprintf("workflow: %s goes to unknown state %s", t.Event, t.To))
		}
		src := make([]string, len(t.From))
		for i, s := range t.From {
			if !known[s] {
				panic(fmt.Sprintf("workflow: %s comes from unknown state %s", t.Event, s))
			}
			key := string(t.Event) + "/" + string(s)
			if seen[key] {
				panic("workflow: duplicate transition " + key)
			}
			seen[key] = true
			src[i] = string(s)
		}
		events = append(events, fsm.EventDesc{Name: string(t.Event), Src: src, Dst: string(t.To)})
	}
	return &Lifecycle{states: states, transitions: transitions, fsmEvents: events}
}

// States returns the lifecycle's states in order.
func (l *Lifecycle) States() []StateDesc { return slices.Clone(l.states) }

// Transitions returns the lifecycle's rows.
func (l *Lifecycle) Transitions() []Transition { return slices.Clone(l.transitions) }

// StateLabel returns the label of s.
func (l *Lifecycle) StateLabel(s State) i18n.Text {
	for _, d := range l.states {
		if d.State == s {
			return d.Label
		}
	}
	return i18n.T(string(s), string(s))
}

// KnownState reports whether s is a state of the lifecycle.
func (l *Lifecycle) KnownState(s State) bool {
	for _, d := range l.states {
		if d.State == s {
			return true
		}
	}
	return false
}

// KnownEvent reports whether e is an event of the lifecycle.
func (l *Lifecycle) KnownEvent(e Event) bool {
	return slices.ContainsFunc(l.transitions, func(t Transition) bool { return t.Event == e })
}

// EventLabel returns the label of e.
func (l *Lifecycle) EventLabel(e Event) i18n.Text {
	for _, t := range l.transitions {
		if t.Event == e {
			return t.Label
		}
	}
	return i18n.T(string(e), string(e))
}

// Events returns each event once, in table order.
func (l *Lifecycle) Events() []Event {
	var out []Event
	for _, t := range l.transitions {
		if !slices.Contains(out, t.Event) {
			out = append(out, t.Event)
		}
	}
	return out
}

// Legal reports whether the table has a row that moves e from from to to,
// for whichever role: a consistency check of stored history uses it.
func (l *Lifecycle) Legal(from State, e Event, to State) bool {
	t, ok := l.row(from, e)
	return ok && t.To == to
}

func (l *Lifecycle) row(from State, e Event) (Transition, bool) {
	for _, t := range l.transitions {
		if t.Event == e && slices.Contains(t.From, from) {
			return t, true
		}
	}
	return Transition{}, false
}

// Errors returned by Fire. The caller maps them: ErrNotAllowedNow is a
// conflict (409), ErrRoleMayNot is forbidden (403), a *GuardError is invalid
// input (422), ErrUnknownEvent is not found.
var (
	ErrUnknownEvent  = errors.New("workflow: unknown event")
	ErrNotAllowedNow = errors.New("workflow: event not allowed from the current state")
	ErrRoleMayNot    = errors.New("workflow: actor may not fire this event")
)

// Permitted reports whether actor's roles and relation allow row t.
func (t Transition) Permitted(a Actor) bool {
	for _, r := range t.Roles {
		if a.Has(r) && (r != Applicant || !t.OwnerOnly || a.Owner) {
			return true
		}
	}
	return false
}

// Fire moves an application in state from by event e for actor, checking the
// table, the role and every guard against facts, and returns the new state.
// The transition itself runs on a fresh looplab/fsm machine.
func (l *Lifecycle) Fire(ctx context.Context, from State, e Event, a Actor, facts Facts) (State, error) {
	if !l.KnownEvent(e) {
		return from, ErrUnknownEvent
	}
	t, ok := l.row(from, e)
	if !ok {
		return from, ErrNotAllowedNow
	}
	if !t.Permitted(a) {
		return from, ErrRoleMayNot
	}
	if err := checkGuards(t.Guards, facts); err != nil {
		return from, err
	}
	m := fsm.NewFSM(string(from), l.fsmEvents, nil)
	if err := m.Event(ctx, string(e)); err != nil {
		return from, fmt.Errorf("workflow: %s from %s: %w", e, from, err)
	}
	return State(m.Current()), nil
}

// Available lists the events actor may try from state, in table order,
// ignoring guards (the guard says why when it is tried).
func (l *Lifecycle) Available(from State, a Actor) []Event {
	var out []Event
	for _, e := range l.Events() {
		if t, ok := l.row(from, e); ok && t.Permitted(a) {
			out = append(out, e)
		}
	}
	return out
}

// Mermaid renders the lifecycle as a Mermaid state diagram, generated by
// looplab/fsm from the same table, with the state labels as notes of the
// diagram's own.
func (l *Lifecycle) Mermaid(initial State) string {
	m := fsm.NewFSM(string(initial), l.fsmEvents, nil)
	out, err := fsm.VisualizeForMermaidWithGraphType(m, fsm.StateDiagram)
	if err != nil {
		panic(err) // StateDiagram is a known type
	}
	var b strings.Builder
	b.WriteString(out)
	names := make([]string, 0, len(l.states))
	for _, s := range l.states {
		names = append(names, fmt.Sprintf("    %s: %s (%s)", s.State, s.State, s.Label.NB))
	}
	sort.Strings(names)
	b.WriteString(strings.Join(names, "\n"))
	b.WriteString("\n")
	return b.String()
}
