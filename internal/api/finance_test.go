package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"nyttig/internal/erp"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// financeEnv is a server with a frame, the people a grant needs, and
// finance staff.
type financeEnv struct {
	*env
	owner, officer, decider user
	fin                     financeStaff
}

func newFinanceEnv(t *testing.T) financeEnv {
	e := newEnv(t)
	e.setFrame(t, money.FromKroner(1_000_000))
	return financeEnv{env: e, owner: e.user(t, workflow.Applicant), officer: e.user(t, workflow.CaseOfficer),
		decider: e.user(t, workflow.DecisionMaker), fin: e.financeStaff(t)}
}

// TestFourEyesOverHTTP attests and authorises a tranche: the attester may
// not authorise it too, another authoriser may, and the ledger shows it
// paid.
func TestFourEyesOverHTTP(t *testing.T) {
	f := newFinanceEnv(t)
	both := f.person(t, "Bodil Begge", "Økonomi", workflow.FinanceAttestant, workflow.FinanceAuthoriser)
	granted := money.FromKroner(80_000)
	a, ps := f.acceptedGrant(t, f.owner, f.officer, f.decider, granted)
	first := ps[0]

	queue := decode[struct{ Items []model.PayoutItem }](t, f.expect(t, req{method: "GET", path: "/payouts?state=due", token: both.token}, http.StatusOK))
	if !slices.ContainsFunc(queue.Items, func(it model.PayoutItem) bool { return it.ID == first.ID && it.CaseNumber == a.CaseNumber }) {
		t.Fatalf("the due tranche %d is not in the attestation queue %+v", first.ID, queue.Items)
	}
	p := decode[model.Payout](t, f.expect(t, req{method: "POST", path: payoutEventPath(first.ID, workflow.Attest), token: both.token}, http.StatusOK))
	if p.State != string(workflow.PayoutAttested) || p.Recipient == nil || *p.Recipient != internalRecipient {
		t.Fatalf("attested: %+v", p)
	}
	voucher := map[string]any{"erp_reference": "BILAG-2026-0042", "paid_on": f.today()}
	res := f.expect(t, req{method: "POST", path: payoutEventPath(first.ID, workflow.Authorise), token: both.token, body: voucher}, http.StatusForbidden)
	if errorBody(t, res).Code != "forbidden" {
		t.Errorf("the attester authorising: %s", res)
	}
	// Without the voucher, the authoriser is told what to give.
	res = f.expect(t, req{method: "POST", path: payoutEventPath(first.ID, workflow.Authorise), token: f.fin.authoriser.token,
		body: map[string]any{"paid_on": f.today()}}, http.StatusUnprocessableEntity)
	if _, ok := errorBody(t, res).Fields["erp_reference"]; !ok {
		t.Errorf("authorising without a voucher: %s", res)
	}
	p = decode[model.Payout](t, f.expect(t, req{method: "POST", path: payoutEventPath(first.ID, workflow.Authorise),
		token: f.fin.authoriser.token, body: voucher}, http.StatusOK))
	if p.State != string(workflow.PayoutPaid) || p.ERPReference != "BILAG-2026-0042" || p.PaidOn != f.today() ||
		p.AuthorisedBy == nil || *p.AuthorisedBy != f.fin.authoriser.ID || *p.AttestedBy != both.ID {
		t.Fatalf("paid: %+v", p)
	}
	if l := f.ledger(t, f.fin.authoriser); l.Paid != first.AmountOre || l.Committed != granted-first.AmountOre {
		t.Errorf("ledger after paying %s: paid %s, committed %s", first.AmountOre, l.Paid, l.Committed)
	}
	list := decode[struct{ Items []model.Payout }](t, f.expect(t, req{method: "GET", path: fmt.Sprintf("/applications/%d/payouts", a.ID),
		token: f.owner.token}, http.StatusOK))
	if len(list.Items) != len(ps) || list.Items[0].State != string(workflow.PayoutPaid) {
		t.Errorf("the owner sees tranches %+v", list.Items)
	}
}

// TestConcurrentAuthorisationOverHTTP sends ten authorisations of one
// tranche at once: one pays, the others are refused, and it is paid once.
func TestConcurrentAuthorisationOverHTTP(t *testing.T) {
	f := newFinanceEnv(t)
	_, ps := f.acceptedGrant(t, f.owner, f.officer, f.decider, money.FromKroner(60_000))
	f.moveTranche(t, f.fin.attestant, ps[0].ID, workflow.Attest, grants.PayoutInput{})
	authorisers := make([]user, 10)
	for i := range authorisers {
		authorisers[i] = f.person(t, fmt.Sprintf("Anviser %d", i), "Økonomi", workflow.FinanceAuthoriser)
	}
	results := f.parallel(t, len(authorisers), func(i int) req {
		return req{method: "POST", path: payoutEventPath(ps[0].ID, workflow.Authorise), token: authorisers[i].token,
			body: map[string]any{"erp_reference": fmt.Sprintf("BILAG-%d", i), "paid_on": f.today()}}
	})
	ok := 0
	for _, res := range results {
		switch res.status {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			errorBody(t, res)
		default:
			t.Errorf("a concurrent authorisation answered %s", res)
		}
	}
	if ok != 1 {
		t.Errorf("%d authorisations succeeded, want exactly 1", ok)
	}
	if l := f.ledger(t, f.officer); l.Paid != ps[0].AmountOre {
		t.Errorf("paid %s, want the tranche's %s once", l.Paid, ps[0].AmountOre)
	}
}

// TestPayoutExportOverHTTP exports a paid tranche, finds nothing new the
// second time, and downloads the batch twice to the same bytes.
func TestPayoutExportOverHTTP(t *testing.T) {
	f := newFinanceEnv(t)
	a, p := f.paidTranche(t, f.fin, f.owner, f.officer, f.decider, money.FromKroner(12_345))
	res := f.expect(t, req{method: "POST", path: "/payout-exports", token: f.fin.authoriser.token}, http.StatusCreated)
	x := decode[model.PayoutExport](t, res)
	csvPath := fmt.Sprintf("/payout-exports/%d.csv", x.ID)
	if res.header.Get("Location") != "/api/v1"+csvPath || x.Count < 1 || x.TotalOre < p.AmountOre {
		t.Fatalf("batch %+v at %q", x, res.header.Get("Location"))
	}
	errorBody(t, f.expect(t, req{method: "POST", path: "/payout-exports", token: f.fin.attestant.token}, http.StatusConflict))

	first := f.expect(t, req{method: "GET", path: csvPath, token: f.fin.attestant.token}, http.StatusOK)
	again := f.expect(t, req{method: "GET", path: csvPath, token: f.fin.authoriser.token}, http.StatusOK)
	if !bytes.Equal(first.body, again.body) || first.header.Get("ETag") == "" || first.header.Get("ETag") != again.header.Get("ETag") {
		t.Fatal("the CSV changed between downloads")
	}
	if ct := first.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	f.expect(t, req{method: "GET", path: csvPath, token: f.fin.attestant.token, header: map[string]string{"If-None-Match": first.header.Get("ETag")}},
		http.StatusNotModified)
	// The download is what the renderer makes of the stored batch (its
	// format is pinned by the golden file in internal/erp), and holds the
	// tranche as paid.
	lines, err := f.store.ExportLines(context.Background(), x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := erp.CSV(x, lines); !bytes.Equal(first.body, want) {
		t.Errorf("the download differs from the rendered batch:\n%s\nwant\n%s", first.body, want)
	}
	line := strings.Join([]string{itoa(x.ID), itoa(p.ID), a.CaseNumber, "internal", "4100", "P-2026-17", "", "", p.AmountOre.Plain(),
		f.today(), "BILAG-1", "Digital innbyggerdialog"}, ";") + "\r\n"
	if !strings.HasPrefix(string(first.body), strings.Join(erp.Columns, ";")+"\r\n") || !strings.Contains(string(first.body), line) {
		t.Errorf("the CSV lacks the line %q:\n%s", line, first.body)
	}

	xlsxPath := fmt.Sprintf("/payout-exports/%d.xlsx", x.ID)
	xl := f.expect(t, req{method: "GET", path: xlsxPath, token: f.fin.attestant.token}, http.StatusOK)
	if !bytes.Equal(xl.body, f.expect(t, req{method: "GET", path: xlsxPath, token: f.fin.attestant.token}, http.StatusOK).body) {
		t.Error("the XLSX changed between downloads")
	}
	book, err := excelize.OpenReader(bytes.NewReader(xl.body))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows(erp.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != x.Count+1 || !slices.ContainsFunc(rows, func(r []string) bool { return len(r) > 2 && r[1] == itoa(p.ID) && r[2] == a.CaseNumber }) {
		t.Errorf("the workbook's rows %v lack tranche %d", rows, p.ID)
	}
	errorBody(t, f.expect(t, req{method: "GET", path: csvPath, token: f.officer.token}, http.StatusForbidden))
	errorBody(t, f.expect(t, req{method: "GET", path: fmt.Sprintf("/payout-exports/%d.csv", x.ID+1000), token: f.fin.attestant.token}, http.StatusNotFound))
	errorBody(t, f.expect(t, req{method: "GET", path: fmt.Sprintf("/payout-exports/%d.pdf", x.ID), token: f.fin.attestant.token}, http.StatusNotFound))
}

// TestClawbackOverHTTP demands part of a payment back and records it
// repaid; more than was paid is refused.
func TestClawbackOverHTTP(t *testing.T) {
	f := newFinanceEnv(t)
	a, p := f.paidTranche(t, f.fin, f.owner, f.officer, f.decider, money.FromKroner(20_000))
	path := fmt.Sprintf("/applications/%d/clawbacks", a.ID)
	res := f.expect(t, req{method: "POST", path: path, token: f.officer.token,
		body: map[string]any{"amount_ore": p.AmountOre + 1, "reason": "Mer enn utbetalt."}}, http.StatusUnprocessableEntity)
	if _, ok := errorBody(t, res).Fields["amount_ore"]; !ok {
		t.Errorf("demanding more than was paid: %s", res)
	}
	demand := money.FromKroner(5_000)
	c := decode[model.Clawback](t, f.expect(t, req{method: "POST", path: path, token: f.officer.token,
		body: map[string]any{"amount_ore": demand, "reason": "Prosjektet ble avsluttet tidlig."}}, http.StatusCreated))
	if c.State != string(workflow.ClawbackRaised) || c.AmountOre != demand {
		t.Fatalf("raised: %+v", c)
	}
	c = decode[model.Clawback](t, f.expect(t, req{method: "POST", path: clawbackEventPath(c.ID, workflow.Repay), token: f.fin.attestant.token,
		body: map[string]any{"erp_reference": "INN-77", "repaid_on": f.today()}}, http.StatusOK))
	if c.State != string(workflow.ClawbackRepaid) || c.ERPReference != "INN-77" || c.RepaidOn != f.today() {
		t.Fatalf("repaid: %+v", c)
	}
	errorBody(t, f.expect(t, req{method: "POST", path: clawbackEventPath(c.ID, workflow.WriteOff), token: f.fin.authoriser.token,
		body: map[string]any{"comment": "Avskrives."}}, http.StatusConflict))
	list := decode[struct{ Items []model.Clawback }](t, f.expect(t, req{method: "GET", path: path, token: f.owner.token}, http.StatusOK))
	if len(list.Items) != 1 || list.Items[0].State != string(workflow.ClawbackRepaid) {
		t.Errorf("the owner sees demands %+v", list.Items)
	}
	if l := f.ledger(t, f.officer); l.Paid != p.AmountOre || l.ClawedBack != demand {
		t.Errorf("ledger: paid %s, clawed back %s", l.Paid, l.ClawedBack)
	}
}

// TestFinanceBadInput sends what is malformed: each is refused with the
// field to fix, or as an unknown event.
func TestFinanceBadInput(t *testing.T) {
	f := newFinanceEnv(t)
	a, p := f.paidTranche(t, f.fin, f.owner, f.officer, f.decider, money.FromKroner(10_000))
	_, due := f.acceptedGrant(t, f.owner, f.officer, f.decider, money.FromKroner(10_000))
	approved := f.decided(t, f.owner, f.officer, f.decider, model.OutcomeApprove, money.FromKroner(10_000), money.FromKroner(10_000))
	appPath := func(id int64, rest string) string { return fmt.Sprintf("/applications/%d%s", id, rest) }
	cases := []struct {
		name   string
		q      req
		status int
		field  string
	}{
		{"an organisation number with a wrong check digit", req{method: "PUT", path: appPath(a.ID, "/recipient"), token: f.officer.token,
			body: model.Recipient{OrgNumber: "974760674", AccountNumber: "86011117947"}}, http.StatusUnprocessableEntity, "org_number"},
		{"an account number with a wrong check digit", req{method: "PUT", path: appPath(a.ID, "/recipient"), token: f.officer.token,
			body: model.Recipient{CostCentre: "4100", ProjectNumber: "P-1", AccountNumber: "86011117948"}}, http.StatusUnprocessableEntity, "account_number"},
		{"an account number too short", req{method: "PUT", path: appPath(a.ID, "/recipient"), token: f.officer.token,
			body: model.Recipient{AccountNumber: "8601111794"}}, http.StatusUnprocessableEntity, "account_number"},
		{"a recipient that is not JSON", req{method: "PUT", path: appPath(a.ID, "/recipient"), token: f.officer.token, body: "{"},
			http.StatusBadRequest, ""},
		{"a demand of nothing", req{method: "POST", path: appPath(a.ID, "/clawbacks"), token: f.officer.token,
			body: map[string]any{"amount_ore": 0, "reason": "Null."}}, http.StatusUnprocessableEntity, "amount_ore"},
		{"a negative demand", req{method: "POST", path: appPath(a.ID, "/clawbacks"), token: f.officer.token,
			body: map[string]any{"amount_ore": -100, "reason": "Minus."}}, http.StatusUnprocessableEntity, "amount_ore"},
		{"a demand without a reason", req{method: "POST", path: appPath(a.ID, "/clawbacks"), token: f.officer.token,
			body: map[string]any{"amount_ore": 100, "reason": "  "}}, http.StatusUnprocessableEntity, "reason"},
		{"a demand in kroner", req{method: "POST", path: appPath(a.ID, "/clawbacks"), token: f.officer.token,
			body: map[string]any{"amount_ore": "1 000", "reason": "Tekst."}}, http.StatusBadRequest, ""},
		{"an unknown payout event", req{method: "POST", path: payoutEventPath(due[0].ID, "approve"), token: f.fin.attestant.token},
			http.StatusNotFound, ""},
		{"an unknown claw-back event", req{method: "POST", path: clawbackEventPath(1, "attest"), token: f.fin.attestant.token},
			http.StatusNotFound, ""},
		{"a payout that does not exist", req{method: "POST", path: payoutEventPath(p.ID+100_000, workflow.Attest), token: f.fin.attestant.token},
			http.StatusNotFound, ""},
		{"a payment date that is not a date", req{method: "POST", path: payoutEventPath(due[0].ID, workflow.Authorise), token: f.fin.authoriser.token,
			body: map[string]any{"erp_reference": "B-1", "paid_on": "01.03.2026"}}, http.StatusUnprocessableEntity, "paid_on"},
		{"cancelling a paid tranche", req{method: "POST", path: payoutEventPath(p.ID, workflow.Cancel), token: f.officer.token,
			body: map[string]any{"comment": "Feil."}}, http.StatusConflict, ""},
		{"a queue of an unknown state", req{method: "GET", path: "/payouts?state=lost", token: f.fin.attestant.token},
			http.StatusUnprocessableEntity, "state"},
		{"a queue after a negative id", req{method: "GET", path: "/payouts?after=-1", token: f.fin.attestant.token},
			http.StatusBadRequest, "after"},
		{"a plan that does not add up", req{method: "PUT", path: appPath(approved.ID, "/payout-plan"), token: f.officer.token,
			body: map[string]any{"tranches": []model.PlanTranche{{AmountOre: 100, Condition: model.OnAcceptance}}}}, http.StatusUnprocessableEntity, "tranches"},
		{"a tranche on a date without one", req{method: "PUT", path: appPath(approved.ID, "/payout-plan"), token: f.officer.token,
			body: map[string]any{"tranches": []model.PlanTranche{{AmountOre: money.FromKroner(10_000), Condition: model.OnDate}}}},
			http.StatusUnprocessableEntity, "tranches[0].due_date"},
		{"a plan after acceptance", req{method: "PUT", path: appPath(a.ID, "/payout-plan"), token: f.officer.token,
			body: map[string]any{"tranches": []model.PlanTranche{{AmountOre: money.FromKroner(10_000), Condition: model.OnAcceptance}}}},
			http.StatusConflict, ""},
		{"a batch that is not a number", req{method: "GET", path: "/payout-exports/abc.csv", token: f.fin.attestant.token},
			http.StatusNotFound, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := f.do(t, c.q)
			if res.status != c.status {
				t.Fatalf("got %s, want %d", res, c.status)
			}
			got := errorBody(t, res)
			if _, ok := got.Fields[c.field]; c.field != "" && !ok {
				t.Errorf("no error for field %s: %s", c.field, res)
			}
		})
	}
	if got := f.application(t, f.officer, a.ID); got.Recipient != internalRecipient {
		t.Errorf("a refused recipient changed the application: %+v", got.Recipient)
	}
}

// TestOpenAPIFinanceEnums checks the document's payout and claw-back
// events and states against the workflow's tables.
func TestOpenAPIFinanceEnums(t *testing.T) {
	doc := openAPIDoc(t)
	enum := func(v any) []string {
		var out []string
		for _, x := range resolve(t, doc, v)["enum"].([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	schema := func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	prop := func(name, p string) any { return resolve(t, doc, schema(name))["properties"].(map[string]any)[p] }
	var payoutStates, clawbackStates []string
	for _, s := range workflow.Payout.States() {
		payoutStates = append(payoutStates, string(s.State))
	}
	for _, s := range workflow.Clawback.States() {
		clawbackStates = append(clawbackStates, string(s.State))
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"PayoutEvent", enum(schema("PayoutEvent")), eventNames(workflow.Payout.Events())},
		{"ClawbackEvent", enum(schema("ClawbackEvent")), eventNames(workflow.Clawback.Events())},
		{"Payout.state", enum(prop("Payout", "state")), payoutStates},
		{"PayoutItem.state", enum(prop("PayoutItem", "state")), payoutStates},
		{"Clawback.state", enum(prop("Clawback", "state")), clawbackStates},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s is %v in openapi.json, %v in the workflow", c.name, c.got, c.want)
		}
	}
}

func eventNames(es []workflow.Event) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e)
	}
	return out
}
