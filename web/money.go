package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// The detail page's money forms.
const (
	formPlan      = "payout-plan"
	formRecipient = "recipient"
	formClawback  = "clawback"
)

// moneyView is the "Økonomi" section of the detail page, for staff other
// than the applicant: the plan before acceptance, the recipient and the
// demands for repayment.
type moneyView struct {
	Plan      *planView
	Recipient *recipientView
	Clawbacks []clawbackRow
	Raise     *raiseView
}

// planView is the case officer's form for the payout plan of an approved
// grant not yet accepted.
type planView struct {
	Action, Granted string
	Rows            []planRow
	Error           string
}

type planRow struct {
	N                               int
	Amount, DueDate                 string
	Conditions                      []stateOption
	AmountErr, ConditionErr, DueErr string
}

// ID is the HTML id of column col of this row.
func (r planRow) ID(col string) string { return fieldID(trancheField(r.N-1, col)) }

// ErrID is the HTML id of the error beside column col of this row.
func (r planRow) ErrID(col string) string { return "e" + strings.TrimPrefix(r.ID(col), "f") }

type recipientView struct {
	Action                                              string
	External                                            bool
	CostCentre, ProjectNumber, OrgNumber, AccountNumber string
	Errors                                              map[string]string
}

// Field is what the "code" template needs for field name.
func (v recipientView) Field(name string) fieldView {
	value := map[string]string{"cost_centre": v.CostCentre, "project_number": v.ProjectNumber,
		"org_number": v.OrgNumber, "account_number": v.AccountNumber}[name]
	return fieldView{Name: name, Label: "field." + name, Value: value, Err: v.Errors[name]}
}

type clawbackRow struct {
	Href, Raised, Amount, Reason, State string
}

type raiseView struct {
	Action, Amount, Reason string
	AmountErr, ReasonErr   string
}

func trancheField(i int, col string) string { return "tranches[" + strconv.Itoa(i) + "]." + col }

var trancheRow = regexp.MustCompile(`^tranches\[(\d+)\]\.([a-z_]+)$`)

// planConditions are the conditions a tranche can have, with their labels.
var planConditions = []string{model.OnAcceptance, model.OnDate, model.OnFinalReport}

// moneySection builds the section for u; nil for those who do not work
// with the case's money, or when there is nothing to show.
func (s *site) moneySection(ctx context.Context, u model.User, app model.Application, refused *refusal, lang i18n.Lang) (*moneyView, error) {
	if !u.IsStaff() || app.ApplicantID == u.ID {
		return nil, nil
	}
	officer := u.Has(workflow.CaseOfficer)
	v := &moneyView{}
	fields := map[string]string{}
	var input url.Values
	form := ""
	if refused != nil {
		form, input, fields = refused.form, refused.input, translateFields(refused.err.Fields, lang)
	}
	if officer && app.State == workflow.Approved {
		plan, err := s.Grants.PlannedPayouts(ctx, u, app.ID)
		if err != nil {
			return nil, err
		}
		pv := &planView{Action: appPath(app.ID) + "/payout-plan"}
		var granted money.Ore
		for _, t := range plan {
			granted += t.AmountOre
		}
		pv.Granted = granted.String()
		typed := make([][3]string, 0, len(plan)+1)
		if form == formPlan {
			typed = planFromPost(input)
			pv.Error = fields["tranches"]
		} else {
			for _, t := range plan {
				typed = append(typed, [3]string{amountText(t.AmountOre), t.Condition, t.DueDate})
			}
		}
		if len(typed) < model.MaxTranches {
			typed = append(typed, [3]string{})
		}
		for i, t := range typed {
			row := planRow{N: i + 1, Amount: t[0], DueDate: t[2], AmountErr: fields[trancheField(i, "amount_ore")],
				ConditionErr: fields[trancheField(i, "condition")], DueErr: fields[trancheField(i, "due_date")]}
			row.Conditions = []stateOption{{Value: "", Label: msg("money.choose").In(lang), Selected: t[1] == ""}}
			for _, c := range planConditions {
				row.Conditions = append(row.Conditions, stateOption{Value: c, Label: labelOf(payoutConditions, c, lang), Selected: t[1] == c})
			}
			pv.Rows = append(pv.Rows, row)
		}
		v.Plan = pv
	}
	if officer {
		call, err := s.Store.CallByID(ctx, app.CallID)
		if err != nil {
			return nil, err
		}
		rv := &recipientView{Action: appPath(app.ID) + "/recipient", CostCentre: app.CostCentre, ProjectNumber: app.ProjectNumber,
			OrgNumber: app.OrgNumber, AccountNumber: app.AccountNumber}
		if form == formRecipient {
			rv.CostCentre, rv.ProjectNumber = input.Get("cost_centre"), input.Get("project_number")
			rv.OrgNumber, rv.AccountNumber = input.Get("org_number"), input.Get("account_number")
			rv.Errors = fields
		}
		rv.External = call.ExternalRecipients || rv.OrgNumber != "" || rv.AccountNumber != ""
		v.Recipient = rv
	}
	claws, err := s.Grants.Clawbacks(ctx, u, app.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range claws {
		v.Clawbacks = append(v.Clawbacks, clawbackRow{Href: clawbackPath(c.ID), Raised: osloTime(c.RaisedAt), Amount: c.AmountOre.String(),
			Reason: c.Reason, State: workflow.Clawback.StateLabel(workflow.State(c.State)).In(lang)})
	}
	if officer && (app.State == workflow.Accepted || app.State == workflow.FinalReportSubmitted || app.State == workflow.Completed) {
		rv := &raiseView{Action: appPath(app.ID) + "/clawbacks"}
		if form == formClawback {
			rv.Amount, rv.Reason = input.Get("amount_ore"), input.Get("reason")
			rv.AmountErr, rv.ReasonErr = fields["amount_ore"], fields["reason"]
		}
		v.Raise = rv
	}
	if v.Plan == nil && v.Recipient == nil && v.Raise == nil && len(v.Clawbacks) == 0 {
		return nil, nil
	}
	return v, nil
}

// planFromPost reads the plan's rows as typed, dropping blank ones.
func planFromPost(form url.Values) [][3]string {
	amounts, conds, dates := form["plan_amount"], form["plan_condition"], form["plan_due_date"]
	var out [][3]string
	for i := 0; i < max(len(amounts), len(conds), len(dates)); i++ {
		row := [3]string{at(amounts, i), at(conds, i), at(dates, i)}
		if strings.TrimSpace(row[0]+row[1]+row[2]) != "" {
			out = append(out, row)
		}
	}
	return out
}

// moneyHref links a field error of a money form to its input.
func moneyHref(form string) func(string) string {
	return func(name string) string {
		switch form {
		case formPlan:
			if name == "tranches" {
				return "#f-tranches"
			}
			return "#" + fieldID(name)
		case formRecipient:
			return "#" + fieldID(name)
		case formClawback:
			return "#f-clawback-" + name
		}
		return ""
	}
}

// detailPost reads the {id} of a detail page form post and the form.
func (s *site) detailPost(w http.ResponseWriter, r *http.Request) (model.User, int64, error) {
	u, err := signedIn(r)
	if err != nil {
		return u, 0, err
	}
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return u, 0, err
	}
	return u, id, parseForm(w, r)
}

// moneyDone answers a money form: back to the detail page with a flash,
// or the page again with the refusal beside the form.
func (s *site) moneyDone(w http.ResponseWriter, r *http.Request, u model.User, id int64, form, done string, err error) error {
	if err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showDetail(w, r, u, id, &refusal{form: form, input: r.PostForm, err: apperr.As(err)})
	}
	http.Redirect(w, r, appPath(id)+"?done="+done+"#h-money", http.StatusSeeOther)
	return nil
}

// savePayoutPlan replaces the plan of an approved grant.
func (s *site) savePayoutPlan(w http.ResponseWriter, r *http.Request) error {
	u, id, err := s.detailPost(w, r)
	if err != nil {
		return err
	}
	bad := map[string]i18n.Text{}
	var plan []model.PlanTranche
	for i, row := range planFromPost(r.PostForm) {
		o, problem := parseAmount(row[0])
		if problem != "" {
			bad[trancheField(i, "amount_ore")] = msg(problem)
		}
		plan = append(plan, model.PlanTranche{AmountOre: o, Condition: row[1], DueDate: row[2]})
	}
	if len(bad) > 0 {
		err = apperr.Fields(bad)
	} else {
		_, err = s.Grants.AdjustPayoutPlan(r.Context(), u, id, plan, httpx.RequestID(r.Context()))
	}
	return s.moneyDone(w, r, u, id, formPlan, "plan_saved", err)
}

// saveRecipient corrects where the money goes.
func (s *site) saveRecipient(w http.ResponseWriter, r *http.Request) error {
	u, id, err := s.detailPost(w, r)
	if err != nil {
		return err
	}
	rec := model.Recipient{CostCentre: r.PostFormValue("cost_centre"), ProjectNumber: r.PostFormValue("project_number"),
		OrgNumber: r.PostFormValue("org_number"), AccountNumber: r.PostFormValue("account_number")}
	_, err = s.Grants.SetRecipient(r.Context(), u, id, rec, httpx.RequestID(r.Context()))
	return s.moneyDone(w, r, u, id, formRecipient, "recipient_saved", err)
}

// raiseClawback demands repayment.
func (s *site) raiseClawback(w http.ResponseWriter, r *http.Request) error {
	u, id, err := s.detailPost(w, r)
	if err != nil {
		return err
	}
	amount, problem := parseAmount(r.PostFormValue("amount_ore"))
	if problem != "" {
		err = apperr.Fields(map[string]i18n.Text{"amount_ore": msg(problem)})
	} else {
		_, err = s.Grants.RaiseClawback(r.Context(), u, id, amount, r.PostFormValue("reason"), httpx.RequestID(r.Context()))
	}
	return s.moneyDone(w, r, u, id, formClawback, "clawback_raised", err)
}

// planFieldLabel names a field of the payout plan for the error summary.
func planFieldLabel(name string, lang i18n.Lang) (string, bool) {
	m := trancheRow.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	row, _ := strconv.Atoi(m[1])
	col := map[string]string{"amount_ore": "money.amount", "condition": "money.condition", "due_date": "money.due_date"}[m[2]]
	if col == "" {
		return "", false
	}
	return sprintf(lang, "summary.tranche", row+1, msg(col).In(lang)), true
}
