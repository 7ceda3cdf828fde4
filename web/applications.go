package web

import (
	"net/http"
	"strconv"
	"strings"

	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// pageSize is how many rows a list shows before "Next page".
const pageSize = 25

// afterParam reads the ?after= of a list page; anything odd starts over.
func afterParam(r *http.Request) int64 {
	n, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// onePage cuts a list fetched with Limit pageSize+1 to a page, and
// returns the id to continue after (0 when this is the last page).
func onePage(apps []model.Application) ([]model.Application, int64) {
	if len(apps) <= pageSize {
		return apps, 0
	}
	apps = apps[:pageSize]
	return apps, apps[len(apps)-1].ID
}

func appPath(id int64) string { return "/applications/" + strconv.FormatInt(id, 10) }

func titleOr(title string, lang i18n.Lang) string {
	if strings.TrimSpace(title) == "" {
		return msg("apps.untitled").In(lang)
	}
	return title
}

// listRow is one application in a list.
type listRow struct {
	Href, CaseNumber, Title, State, Updated string
}

type listView struct {
	Rows     []listRow
	CanApply bool
	Next     string
}

func (s *site) myApplications(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	apps, err := s.Grants.Applications(r.Context(), u, model.ApplicationFilter{ApplicantID: u.ID, AfterID: afterParam(r), Limit: pageSize + 1})
	if err != nil {
		return err
	}
	apps, next := onePage(apps)
	v := listView{CanApply: u.Has(workflow.Applicant)}
	for _, a := range apps {
		v.Rows = append(v.Rows, listRow{Href: appPath(a.ID), CaseNumber: a.CaseNumber, Title: titleOr(a.Title, lang),
			State: workflow.Application.StateLabel(a.State).In(lang), Updated: osloTime(a.UpdatedAt)})
	}
	if next != 0 {
		v.Next = "/applications?after=" + strconv.FormatInt(next, 10)
	}
	return s.render(w, r, page{Template: "applications", Title: msg("apps.title").In(lang), Nav: "applications", Data: v})
}
