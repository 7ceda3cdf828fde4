package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

// The public pages (no login): the funded projects with search and
// filters, one project, its published attachments. What is public is
// grants.PublicProject's to say; these pages only show it.

// projectView is a public project as the pages show it.
type projectView struct {
	ID, Href, Title, Unit, Amount, Summary, Report, State, Year, Fund string
	// Exempt tells, per field, the legal basis it is exempted under.
	Exempt      map[string]string
	Prize       string
	Citation    string
	Attachments []linkView
}

func projectFor(p grants.PublicProject, lang i18n.Lang) projectView {
	v := projectView{ID: "p-" + strconv.FormatInt(p.ID, 10), Href: "/public/projects/" + strconv.FormatInt(p.ID, 10), State: p.StateLabel.In(lang),
		Year: strconv.Itoa(p.Year), Fund: p.Fund, Exempt: map[string]string{}}
	for _, x := range p.Exempted {
		v.Exempt[x.Field] = sprintf(lang, "public.exempted", x.Citation)
	}
	if p.Title != nil {
		v.Title = titleOr(*p.Title, lang)
	} else {
		v.Title = sprintf(lang, "public.untitled", p.CaseNumber)
	}
	if p.Unit != nil {
		v.Unit = *p.Unit
	}
	if p.AmountOre != nil {
		v.Amount = p.AmountOre.String()
	}
	if p.Summary != nil {
		v.Summary = *p.Summary
	}
	if p.FinalReportSummary != nil {
		v.Report = *p.FinalReportSummary
	}
	if p.Prize != nil {
		v.Prize = sprintf(lang, "public.prize_"+p.Prize.Rank, p.Prize.Year)
		v.Citation = p.Prize.Citation
	}
	for _, a := range p.Attachments {
		v.Attachments = append(v.Attachments, linkView{Href: "/public/attachments/" + strconv.FormatInt(a.ID, 10), Label: a.Name})
	}
	return v
}

type optionView struct {
	Value, Label string
	Selected     bool
}

type publicListView struct {
	Query, Year, Unit string
	Years, Units      []optionView
	Projects          []projectView
	Count             string
	Prev, Next        string
	Message           string
	Summary           []summaryItem
}

// publicProjects is the public list of funded projects.
func (s *site) publicProjects(w http.ResponseWriter, r *http.Request) error {
	lang, q := httpx.Lang(r), r.URL.Query()
	v := publicListView{Query: q.Get("q"), Year: q.Get("year"), Unit: q.Get("unit")}
	f := model.PublicFilter{Query: v.Query, Unit: v.Unit}
	bad := map[string]i18n.Text{}
	if v.Year != "" {
		y, err := strconv.Atoi(v.Year)
		if err != nil {
			bad["year"] = msg("error.bad_year")
		}
		f.Year = y
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			bad["page"] = msg("public.bad_page")
		}
		f.Page = n
	}
	var res grants.PublicPage
	var err error
	if len(bad) > 0 {
		err = apperr.Fields(bad)
	} else {
		res, err = s.Grants.PublicProjects(r.Context(), f)
	}
	status := http.StatusOK
	if err != nil {
		if !apperr.Is(err, apperr.Invalid) {
			return err
		}
		status = apperr.Status(err)
		v.Message = apperr.As(err).Message.In(lang)
		for name, t := range apperr.As(err).Fields {
			v.Summary = append(v.Summary, summaryItem{Href: "#f-" + name, Text: t.In(lang)})
		}
	}
	years, units, err := s.Grants.PublicChoices(r.Context())
	if err != nil {
		return err
	}
	for _, y := range years {
		ys := strconv.Itoa(y)
		v.Years = append(v.Years, optionView{Value: ys, Label: ys, Selected: ys == v.Year})
	}
	for _, u := range units {
		v.Units = append(v.Units, optionView{Value: u, Label: u, Selected: u == v.Unit})
	}
	for _, p := range res.Items {
		v.Projects = append(v.Projects, projectFor(p, lang))
	}
	if status == http.StatusOK {
		v.Count = sprintf(lang, "public.count", res.Total)
		link := func(n int) string {
			q := url.Values{"q": {v.Query}, "year": {v.Year}, "unit": {v.Unit}, "page": {strconv.Itoa(n)}}
			return "/public/projects?" + q.Encode()
		}
		if res.Page > 1 {
			v.Prev = link(res.Page - 1)
		}
		if res.Page*res.PageSize < res.Total {
			v.Next = link(res.Page + 1)
		}
	}
	return s.render(w, r, page{Status: status, Template: "public_projects", Title: msg("public.title").In(lang), Nav: "public", Public: true, Data: v})
}

// publicProject is one funded project.
func (s *site) publicProject(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	p, err := s.Grants.PublicProject(r.Context(), id)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	v := projectFor(p, lang)
	return s.render(w, r, page{Template: "public_project", Title: v.Title, Public: true, Data: v})
}

// publicAttachment downloads a published attachment.
func (s *site) publicAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	at, obj, err := s.Grants.OpenPublicAttachment(r.Context(), id)
	if err != nil {
		return err
	}
	defer obj.Close()
	httpx.ServeFile(w, r, at, obj)
	return nil
}
