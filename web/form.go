package web

import (
	"regexp"
	"strconv"
	"strings"

	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
)

// blankBudgetRows is how many empty budget rows the form offers.
const blankBudgetRows = 3

// appForm is the application form as typed: every value a string, so that
// whatever someone wrote comes back to them when something must be fixed.
type appForm struct {
	Version                                                        int
	CallID                                                         string
	Title, Summary, Need, Solution, AdoptionPlan, ExpectedBenefits string
	Budget                                                         []budgetRow
	OwnContribution, Requested                                     string
	Unit, Partners, StartDate, EndDate                             string
	// The recipient: a unit's cost centre and project number, or, where
	// the call allows, an organisation and its bank account.
	CostCentre, ProjectNumber, OrgNumber, AccountNumber string
}

// budgetRow is one row of the budget table as typed.
type budgetRow struct{ Category, Description, Amount string }

// Value returns the cell of column col (a budgetColumns name).
func (b budgetRow) Value(col string) string {
	switch col {
	case "category":
		return b.Category
	case "description":
		return b.Description
	}
	return b.Amount
}

func (b budgetRow) blank() bool {
	return strings.TrimSpace(b.Category+b.Description+b.Amount) == ""
}

// amountText shows a stored amount in the form; nothing for zero, so an
// untouched field stays empty.
func amountText(o money.Ore) string {
	if o == 0 {
		return ""
	}
	return o.Number()
}

func formFromApplication(a model.Application) appForm {
	f := appForm{
		Version: a.Version, Title: a.Title, Summary: a.Summary, Need: a.Need, Solution: a.Solution,
		AdoptionPlan: a.AdoptionPlan, ExpectedBenefits: a.ExpectedBenefits,
		OwnContribution: amountText(a.OwnContributionOre), Requested: amountText(a.RequestedAmountOre),
		Unit: a.Unit, Partners: strings.Join(a.Partners, "\n"), StartDate: a.StartDate, EndDate: a.EndDate,
		CostCentre: a.CostCentre, ProjectNumber: a.ProjectNumber, OrgNumber: a.OrgNumber, AccountNumber: a.AccountNumber,
	}
	if a.CallID != 0 {
		f.CallID = strconv.FormatInt(a.CallID, 10)
	}
	for _, l := range a.BudgetLines {
		f.Budget = append(f.Budget, budgetRow{Category: l.Category, Description: l.Description, Amount: amountText(l.AmountOre)})
	}
	return f
}

// formFromPost reads the posted form. Budget rows left blank are dropped,
// so that row i of the form is budget line i of the application and its
// field errors land beside the right inputs.
func formFromPost(form map[string][]string) appForm {
	get := func(name string) string {
		if v := form[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	f := appForm{
		CallID: strings.TrimSpace(get("call_id")), Title: get("title"), Summary: get("summary"), Need: get("need"),
		Solution: get("solution"), AdoptionPlan: get("adoption_plan"), ExpectedBenefits: get("expected_benefits"),
		OwnContribution: get("own_contribution_ore"), Requested: get("requested_amount_ore"), Unit: get("unit"),
		Partners: get("partners"), StartDate: get("start_date"), EndDate: get("end_date"),
		CostCentre: get("cost_centre"), ProjectNumber: get("project_number"), OrgNumber: get("org_number"),
		AccountNumber: get("account_number"),
	}
	f.Version, _ = strconv.Atoi(get("version"))
	cats, descs, amounts := form["budget_category"], form["budget_description"], form["budget_amount_ore"]
	for i := 0; i < max(len(cats), len(descs), len(amounts)); i++ {
		row := budgetRow{Category: at(cats, i), Description: at(descs, i), Amount: at(amounts, i)}
		if !row.blank() {
			f.Budget = append(f.Budget, row)
		}
	}
	return f
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// fields turns the typed form into application fields, with an error for
// each amount that is not one.
func (f appForm) fields() (model.ApplicationFields, map[string]i18n.Text) {
	bad := map[string]i18n.Text{}
	amount := func(name, typed string) money.Ore {
		o, problem := parseAmount(typed)
		if problem != "" {
			bad[name] = msg(problem)
		}
		return o
	}
	out := model.ApplicationFields{
		Title: f.Title, Summary: f.Summary, Need: f.Need, Solution: f.Solution, AdoptionPlan: f.AdoptionPlan,
		ExpectedBenefits: f.ExpectedBenefits, Unit: f.Unit, StartDate: strings.TrimSpace(f.StartDate),
		EndDate:            strings.TrimSpace(f.EndDate),
		OwnContributionOre: amount("own_contribution_ore", f.OwnContribution),
		RequestedAmountOre: amount("requested_amount_ore", f.Requested),
		BudgetLines:        []model.BudgetLine{},
		Partners:           []string{},
		Recipient: model.Recipient{CostCentre: f.CostCentre, ProjectNumber: f.ProjectNumber,
			OrgNumber: f.OrgNumber, AccountNumber: f.AccountNumber},
	}
	out.Recipient.Normalise()
	out.CallID, _ = strconv.ParseInt(f.CallID, 10, 64)
	for i, row := range f.Budget {
		out.BudgetLines = append(out.BudgetLines, model.BudgetLine{
			Category: strings.TrimSpace(row.Category), Description: strings.TrimSpace(row.Description),
			AmountOre: amount(rowFieldName(i, "amount_ore"), row.Amount),
		})
	}
	for _, line := range strings.Split(f.Partners, "\n") {
		if p := strings.TrimSpace(line); p != "" {
			out.Partners = append(out.Partners, p)
		}
	}
	return out, bad
}

// decimalPoint matches an amount written with a decimal point, such as
// "1250.50": money.ParseKroner reads a point as a thousands separator (as
// in "1.250.000"), which would make that 125 050 kroner.
var decimalPoint = regexp.MustCompile(`\.[0-9]{1,2}\s*$`)

// parseAmount reads an amount typed in kroner; empty is zero. It returns
// the catalog key of the problem when the text is not an amount.
func parseAmount(typed string) (money.Ore, string) {
	if strings.TrimSpace(typed) == "" {
		return 0, ""
	}
	if decimalPoint.MatchString(typed) && !strings.Contains(typed, ",") {
		return 0, "error.decimal_point"
	}
	o, ok := money.ParseKroner(typed)
	if !ok {
		return 0, "error.bad_amount"
	}
	return o, ""
}

// callOption is one choice in the form's list of calls.
type callOption struct {
	ID       int64
	Label    string
	Selected bool
	// External is whether the call takes a recipient outside the municipality.
	External bool
}

// formView is the data of the application form page.
type formView struct {
	Action, Cancel string
	// Attachments links to where the files of a saved application are added.
	Attachments string
	Form        appForm
	Calls       []callOption
	NoCalls     bool
	// External shows the organisation and account number: the chosen call
	// takes an external recipient, or the application already names one.
	External       bool
	Errors         map[string]string
	Summary        []summaryItem
	Message, Flash string
}

// Err is the error shown beside field name ("" when there is none).
func (v formView) Err(name string) string { return v.Errors[name] }

// RowErr is the error shown beside column col of budget row i.
func (v formView) RowErr(i int, col string) string { return v.Errors[rowFieldName(i, col)] }

// BudgetColumns are the columns of the budget table.
func (v formView) BudgetColumns() []budgetColumn { return budgetColumns }

// fieldView is what the templates for one input need.
type fieldView struct{ Name, Label, Value, Err string }

func fieldFor(v formView, name, value string) fieldView {
	return fieldView{Name: name, Label: "field." + name, Value: value, Err: v.Errors[name]}
}
