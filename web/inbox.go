package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// allStates is the inbox filter's value for "every state".
const allStates = "all"

type stateOption struct {
	Value, Label string
	Selected     bool
}

type inboxRow struct {
	Href, CaseNumber, Title, Unit, Requested, Submitted, State string
	// ReplyDue marks an application owed a provisional reply
	// (forvaltningsloven § 11a): submitted over a month ago, undecided.
	ReplyDue bool
}

type inboxView struct {
	Flash   string
	Query   string
	States  []stateOption
	Caption string
	Rows    []inboxRow
	Next    string
	// Overdue: the user may see the list of overdue reports.
	Overdue bool
}

// inbox lists applications for staff, newest first, in the chosen state:
// submitted ones (waiting for a case officer) unless another is chosen.
func (s *site) inbox(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if !u.IsStaff() {
		return apperr.New(apperr.Forbidden, msg("error.staff_only"))
	}
	lang := httpx.Lang(r)
	chosen := string(workflow.Submitted)
	if q := r.URL.Query(); q.Has("state") {
		chosen = q.Get("state")
	}
	query := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(query) > 200 {
		query = string([]rune(query)[:200])
	}
	f := model.ApplicationFilter{AfterID: afterParam(r), Limit: pageSize + 1, Query: query}
	if chosen != allStates {
		f.State = workflow.State(chosen)
		if !workflow.Application.KnownState(f.State) {
			return apperr.New(apperr.BadRequest, msg("error.bad_state"))
		}
	}
	apps, err := s.Grants.Applications(r.Context(), u, f)
	if err != nil {
		return err
	}
	apps, next := onePage(apps)

	v := inboxView{Query: query, Overdue: seesOverdue(u), States: []stateOption{{Value: allStates, Label: msg("inbox.all").In(lang), Selected: chosen == allStates}}}
	if r.URL.Query().Get("done") == "recused" {
		v.Flash = msg("done.recused").In(lang)
	}
	for _, st := range workflow.Application.States() {
		v.States = append(v.States, stateOption{Value: string(st.State), Label: st.Label.In(lang), Selected: chosen == string(st.State)})
	}
	if f.State == "" {
		v.Caption = msg("inbox.caption_all").In(lang)
	} else {
		v.Caption = fmt.Sprintf(msg("inbox.caption").In(lang), workflow.Application.StateLabel(f.State).In(lang))
	}
	for _, a := range apps {
		row := inboxRow{Href: appPath(a.ID), CaseNumber: a.CaseNumber, Title: titleOr(a.Title, lang), Unit: a.Unit,
			Requested: a.RequestedAmountOre.String(), State: workflow.Application.StateLabel(a.State).In(lang)}
		row.ReplyDue = a.ProvisionalReplyDue(s.now())
		if a.SubmittedAt != nil {
			row.Submitted = osloTime(*a.SubmittedAt)
		} else {
			row.Submitted = msg("detail.not_submitted").In(lang)
		}
		v.Rows = append(v.Rows, row)
	}
	if next != 0 {
		v.Next = "/inbox?" + url.Values{"state": {chosen}, "q": {query}, "after": {strconv.FormatInt(next, 10)}}.Encode()
	}
	return s.render(w, r, page{Template: "inbox", Title: msg("inbox.title").In(lang), Nav: "inbox", Data: v})
}
