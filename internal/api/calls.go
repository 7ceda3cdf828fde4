package api

import (
	"net/http"
	"strconv"

	"nyttig/internal/httpx"
	"nyttig/internal/model"
	"nyttig/workflow"
)

func (a *api) me(w http.ResponseWriter, r *http.Request, u model.User) error {
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (a *api) listCalls(w http.ResponseWriter, r *http.Request, _ model.User) error {
	calls, err := a.grants.Calls(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": calls})
	return nil
}

func (a *api) createCall(w http.ResponseWriter, r *http.Request, u model.User) error {
	var b model.Call
	if err := httpx.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	b.ID = 0
	c, err := a.grants.CreateCall(r.Context(), u, b)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/calls/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

// workflowDoc describes the application lifecycle for clients.
type workflowDoc struct {
	States      []stateDoc      `json:"states"`
	Events      []eventDoc      `json:"events"`
	Transitions []transitionDoc `json:"transitions"`
}

type stateDoc struct {
	Name  workflow.State `json:"name"`
	Label labelDoc       `json:"label"`
}

type eventDoc struct {
	Name        workflow.Event `json:"name"`
	Label       labelDoc       `json:"label"`
	Implemented bool           `json:"implemented"`
}

type transitionDoc struct {
	Event workflow.Event   `json:"event"`
	From  []workflow.State `json:"from"`
	To    workflow.State   `json:"to"`
	Roles []workflow.Role  `json:"roles"`
}

type labelDoc struct {
	NB string `json:"nb"`
	EN string `json:"en"`
}

func (a *api) workflow(w http.ResponseWriter, r *http.Request) error {
	lc := workflow.Application
	var doc workflowDoc
	for _, s := range lc.States() {
		doc.States = append(doc.States, stateDoc{s.State, labelDoc(s.Label)})
	}
	for _, e := range lc.Events() {
		doc.Events = append(doc.Events, eventDoc{e, labelDoc(lc.EventLabel(e)), implemented(e)})
	}
	for _, t := range lc.Transitions() {
		doc.Transitions = append(doc.Transitions, transitionDoc{t.Event, t.From, t.To, t.Roles})
	}
	httpx.WriteJSON(w, http.StatusOK, doc)
	return nil
}
