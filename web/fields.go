package web

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"nyttig/internal/i18n"
)

// fieldOrder is the order in which the forms show the fields, by their
// JSON names (the names apperr field errors use); the error summary lists
// errors in this order.
var fieldOrder = []string{"call_id", "title", "summary", "need", "solution", "adoption_plan", "expected_benefits",
	"budget_lines", "own_contribution_ore", "requested_amount_ore", "unit", "partners", "start_date", "end_date",
	"cost_centre", "project_number", "org_number", "account_number",
	// the other forms' fields, in the order they show them
	"conflict", "reason", "declaration", "reviewer_ids", "file",
	"outcome", "amount_ore", "reasons.rules", "reasons.facts", "reasons.considerations", "override_reason", "comment"}

// budgetColumn is one column of the budget table.
type budgetColumn struct {
	Name   string // the JSON name inside a budget line
	Key    string // the catalog key of its label
	Amount bool
}

var budgetColumns = []budgetColumn{
	{Name: "category", Key: "field.category"},
	{Name: "description", Key: "field.description"},
	{Name: "amount_ore", Key: "field.amount", Amount: true},
}

var rowField = regexp.MustCompile(`^budget_lines\[(\d+)\]\.([a-z_]+)$`)

// rowFieldName is the JSON name of a cell of the budget table.
func rowFieldName(row int, col string) string { return fmt.Sprintf("budget_lines[%d].%s", row, col) }

// fieldID is the HTML id of the input for a JSON field name:
// "title" → "f-title", "budget_lines[2].amount_ore" → "f-budget_lines-2-amount_ore".
func fieldID(name string) string {
	return "f-" + strings.NewReplacer("[", "-", "].", "-", "]", "", ".", "-").Replace(name)
}

// fieldLabel names a field for the error summary.
func fieldLabel(name string, lang i18n.Lang) string {
	if m := rowField.FindStringSubmatch(name); m != nil {
		row, _ := strconv.Atoi(m[1])
		col := m[2]
		for _, c := range budgetColumns {
			if c.Name == col {
				col = msg(c.Key).In(lang)
			}
		}
		return fmt.Sprintf(msg("summary.budget_line").In(lang), row+1, col)
	}
	if label, ok := planFieldLabel(name, lang); ok {
		return label
	}
	if t, ok := catalog["field."+name]; ok {
		return t.In(lang)
	}
	return name
}

// translateFields puts field errors in lang.
func translateFields(fields map[string]i18n.Text, lang i18n.Lang) map[string]string {
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[k] = v.In(lang)
	}
	return out
}

// summarize lists field errors in the form's order, each linking to href(name)
// (no link when href returns "").
func summarize(fields map[string]i18n.Text, lang i18n.Lang, href func(name string) string) []summaryItem {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return fieldLess(names[i], names[j]) })
	items := make([]summaryItem, 0, len(names))
	for _, name := range names {
		items = append(items, summaryItem{Href: href(name), Text: fieldLabel(name, lang) + ": " + fields[name].In(lang)})
	}
	return items
}

// fieldSortKey places a field name in the form's order: its field, then
// its budget row, then its column.
func fieldSortKey(name string) (field, row, col int) {
	row, col = -1, -1
	if m := rowField.FindStringSubmatch(name); m != nil {
		row, _ = strconv.Atoi(m[1])
		col = slices.IndexFunc(budgetColumns, func(c budgetColumn) bool { return c.Name == m[2] })
		name = "budget_lines"
	}
	field = slices.Index(fieldOrder, name)
	if field < 0 {
		field = len(fieldOrder)
	}
	return field, row, col
}

func fieldLess(a, b string) bool {
	fa, ra, ca := fieldSortKey(a)
	fb, rb, cb := fieldSortKey(b)
	switch {
	case fa != fb:
		return fa < fb
	case ra != rb:
		return ra < rb
	case ca != cb:
		return ca < cb
	}
	return a < b
}
