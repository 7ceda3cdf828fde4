package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

func reportPath(id int64) string { return "/reports/" + strconv.FormatInt(id, 10) }

// reportField is a text field of a report, or the amount spent on a budget line.
type reportField struct {
	ID, Name, Label, Value, Error string
	// Help explains the field under its label; Describe is the ids the
	// field is described by (its help and its error).
	Help, Describe string
	Area           bool
}

type reportView struct {
	Action, Heading, CaseHref string
	Facts                     []factView
	// Edit: the project lead's form; Review: the case officer's.
	Edit, Review          bool
	Fields                []reportField
	Comment, CommentError string
	Flash, Message        string
	Summary               []summaryItem
	History               []historyRow
}

// reportTexts are a report's text fields with their catalog keys.
func reportTexts(c *model.ReportContent) []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{{"work_done", &c.WorkDone}, {"results", &c.Results}, {"in_use", &c.InUse}, {"spread", &c.Spread}, {"lessons", &c.Lessons},
		{"summary", &c.Summary}}
}

func (s *site) reportPage(w http.ResponseWriter, r *http.Request) error {
	return s.showReport(w, r, nil)
}

// saveReport saves or submits the project lead's report, or carries out
// the case officer's approval or return.
func (s *site) saveReport(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, rid := r.Context(), httpx.RequestID(r.Context())
	action := r.PostFormValue("action")
	refuse := func(err error) error {
		if !shownOnPage(err) {
			return err
		}
		return s.showReport(w, r, &refusal{form: action, input: r.PostForm, err: apperr.As(err)})
	}
	switch action {
	case "save", string(workflow.SubmitReport):
		cur, err := s.Store.Report(ctx, id)
		if err != nil {
			return err
		}
		app, err := s.Grants.Application(ctx, u, cur.ApplicationID)
		if err != nil {
			return err
		}
		var c model.ReportContent
		for _, t := range reportTexts(&c) {
			*t.v = r.PostFormValue(t.name)
		}
		bad := map[string]i18n.Text{}
		for i := range app.BudgetLines {
			name := fmt.Sprintf("spending_%d", i)
			typed := r.PostFormValue(name)
			if typed == "" {
				continue
			}
			ore, ok := money.ParseKroner(typed)
			if !ok {
				bad[name] = msg("report.bad_amount")
				continue
			}
			c.Spending = append(c.Spending, model.Spending{BudgetLine: i, AmountOre: ore})
		}
		if len(bad) > 0 {
			return refuse(apperr.Fields(bad))
		}
		if _, err := s.Grants.UpdateReport(ctx, u, id, c, rid); err != nil {
			return refuse(err)
		}
		if action == string(workflow.SubmitReport) {
			if _, err := s.Grants.FireReport(ctx, u, id, workflow.SubmitReport, "", rid); err != nil {
				return refuse(err)
			}
		}
	case string(workflow.ApproveReport), string(workflow.ReturnReport):
		if _, err := s.Grants.FireReport(ctx, u, id, workflow.Event(action), r.PostFormValue("comment"), rid); err != nil {
			return refuse(err)
		}
	default:
		return apperr.New(apperr.NotFound, msg("error.not_found"))
	}
	http.Redirect(w, r, reportPath(id)+"?done="+url.QueryEscape("report_"+action), http.StatusSeeOther)
	return nil
}

func (s *site) showReport(w http.ResponseWriter, r *http.Request, refused *refusal) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	ctx, lang := r.Context(), httpx.Lang(r)
	history, err := s.Grants.ReportHistory(ctx, u, id)
	if err != nil {
		return err
	}
	rep, err := s.Grants.Report(ctx, u, id)
	if err != nil {
		return err
	}
	app, err := s.Grants.Application(ctx, u, rep.ApplicationID)
	if err != nil {
		return err
	}
	if app.ApplicantID != u.ID && !u.IsStaff() {
		return apperr.New(apperr.Forbidden, msg("error.staff_only"))
	}
	state := workflow.State(rep.State)
	label := workflow.Report.StateLabel(state).In(lang)
	if rep.Overdue {
		label = workflow.ReportOverdueLabel.In(lang)
	}
	v := reportView{Action: reportPath(id), CaseHref: appPath(app.ID),
		Heading: sprintf(lang, "report.heading", reportKind(rep.Kind, lang), app.CaseNumber)}
	v.Facts = []factView{
		{msg("apps.app_title").In(lang), titleOr(app.Title, lang)},
		{msg("overdue.due").In(lang), rep.DueDate},
		{msg("apps.state").In(lang), label},
	}
	v.Edit = app.ApplicantID == u.ID && (state == workflow.ReportDraft || state == workflow.ReportReturned)
	v.Review = u.Has(workflow.CaseOfficer) && app.ApplicantID != u.ID && state == workflow.ReportSubmitted
	var errs map[string]string
	if refused != nil {
		errs = translateFields(refused.err.Fields, lang)
		v.Message = refused.err.Message.In(lang)
		v.Comment = refused.input.Get("comment")
		v.CommentError = errs["comment"]
	}
	c := rep.ReportContent
	for _, t := range reportTexts(&c) {
		if t.name == "summary" && rep.Kind != model.ReportFinal {
			continue // only the final report has a public summary
		}
		f := reportField{ID: "f-" + t.name, Name: t.name, Label: msg("report." + t.name).In(lang), Value: *t.v, Area: true, Error: errs[t.name]}
		if t.name == "summary" {
			f.Help = msg("report.summary_help").In(lang)
		}
		if refused != nil && refused.input.Has(t.name) {
			f.Value = refused.input.Get(t.name)
		}
		f.Describe = describedBy(f)
		v.Fields = append(v.Fields, f)
	}
	spent := map[int]money.Ore{}
	for _, sp := range rep.Spending {
		spent[sp.BudgetLine] = sp.AmountOre
	}
	for i, b := range app.BudgetLines {
		name := fmt.Sprintf("spending_%d", i)
		f := reportField{ID: "f-" + name, Name: name, Label: sprintf(lang, "report.spent", b.Description, b.AmountOre.String()), Error: errs[name]}
		if o, ok := spent[i]; ok {
			f.Value = o.Number()
		}
		if refused != nil && refused.input.Has(name) {
			f.Value = refused.input.Get(name)
		}
		v.Fields = append(v.Fields, f)
	}
	for _, f := range v.Fields {
		if f.Error != "" {
			v.Summary = append(v.Summary, summaryItem{Href: "#" + f.ID, Text: f.Label + ": " + f.Error})
		}
	}
	if v.CommentError != "" {
		v.Summary = append(v.Summary, summaryItem{Href: "#f-comment", Text: msg("report.comment").In(lang) + ": " + v.CommentError})
	}
	for _, h := range history {
		row := historyRow{At: osloTime(h.At), Actor: h.ActorName, Comment: h.Comment,
			To: workflow.Report.StateLabel(workflow.State(h.To)).In(lang), Event: h.Event}
		switch e := workflow.Event(h.Event); {
		case e == workflow.CreateReport:
			row.Event = msg("report.created").In(lang)
		case workflow.Report.KnownEvent(e):
			row.Event = workflow.Report.EventLabel(e).In(lang)
		}
		if row.Actor == "" {
			row.Actor = msg("history.system").In(lang)
		}
		if h.From != "" && h.From != h.To {
			row.From = workflow.Report.StateLabel(workflow.State(h.From)).In(lang)
		}
		v.History = append(v.History, row)
	}
	status := http.StatusOK
	if refused != nil {
		status = apperr.Status(refused.err)
	} else if done := r.URL.Query().Get("done"); done != "" {
		if t, ok := catalog["done."+done]; ok {
			v.Flash = t.In(lang)
		}
	}
	return s.render(w, r, page{Status: status, Template: "report", Title: v.Heading, Data: v})
}

// describedBy lists the ids of a field's help and error, for aria-describedby.
func describedBy(f reportField) string {
	var ids []string
	if f.Help != "" {
		ids = append(ids, "h-"+f.Name)
	}
	if f.Error != "" {
		ids = append(ids, "e-"+f.Name)
	}
	return strings.Join(ids, " ")
}
