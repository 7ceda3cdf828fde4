package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// financeQueuePage is how many tranches grants returns per page of the queue.
const financeQueuePage = 200

// financeTabs are the states the finance queue has a tab for, in the order
// money moves.
var financeTabs = []workflow.State{workflow.PayoutDue, workflow.PayoutAttested, workflow.PayoutPaid, workflow.PayoutSentBack}

// handlesPayouts reports whether u works with payouts: finance, and the
// case officers who send tranches on again; grants has the last word.
func handlesPayouts(u model.User) bool {
	return u.Has(workflow.FinanceAttestant) || u.Has(workflow.FinanceAuthoriser) || u.Has(workflow.CaseOfficer)
}

// financeRole reports whether u is one of finance's two roles.
func financeRole(u model.User) bool {
	return u.Has(workflow.FinanceAttestant) || u.Has(workflow.FinanceAuthoriser)
}

func payoutPath(id int64) string { return "/payouts/" + strconv.FormatInt(id, 10) }

type financeTab struct {
	Href, Label string
	Current     bool
}

type financeRow struct {
	Href, CaseNumber, Title, Recipient, Amount, Due string
}

type financeView struct {
	// Clawbacks is true on the tab of demands for repayment.
	Clawbacks bool
	Tabs      []financeTab
	Caption   string
	Rows      []financeRow
	Total     string
	Next      string
	// Ledgers link to each fund's ledger.
	Ledgers []linkView
	// Exports is true for finance, who make the ERP exports.
	Exports bool
}

// financeQueue lists the tranches in one state for finance and case
// officers: by default the person's own work, awaiting authorisation for
// an authoriser and awaiting attestation for everyone else.
func (s *site) financeQueue(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if !handlesPayouts(u) {
		return apperr.New(apperr.Forbidden, msg("error.finance_only"))
	}
	lang := httpx.Lang(r)
	chosen := workflow.State(r.URL.Query().Get("state"))
	if chosen == clawbacksTab {
		return s.clawbackQueue(w, r, u)
	}
	switch {
	case chosen == "" && u.Has(workflow.FinanceAuthoriser) && !u.Has(workflow.FinanceAttestant):
		chosen = workflow.PayoutAttested
	case chosen == "":
		chosen = workflow.PayoutDue
	case !workflow.Payout.KnownState(chosen):
		return apperr.New(apperr.BadRequest, msg("error.bad_state"))
	}
	items, err := s.Grants.PayoutQueue(r.Context(), u, chosen, afterParam(r))
	if err != nil {
		return err
	}
	v := financeView{Caption: sprintf(lang, "finance.caption", workflow.Payout.StateLabel(chosen).In(lang))}
	v.Tabs = tabs(chosen, lang)
	recipients := map[int64]model.Recipient{}
	var total money.Ore
	for _, it := range items {
		rec, err := s.payoutRecipient(r.Context(), it.Payout, recipients)
		if err != nil {
			return err
		}
		v.Rows = append(v.Rows, financeRow{Href: payoutPath(it.ID), CaseNumber: it.CaseNumber, Title: titleOr(it.Title, lang),
			Recipient: recipientText(rec, lang), Amount: it.AmountOre.String(), Due: dueText(it.Payout, lang)})
		total += it.AmountOre
	}
	v.Total = total.String()
	if len(items) == financeQueuePage {
		v.Next = "/finance?" + url.Values{"state": {string(chosen)}, "after": {strconv.FormatInt(items[len(items)-1].ID, 10)}}.Encode()
	}
	return s.renderFinance(w, r, v)
}

// clawbacksTab is the finance queue's tab of open demands for repayment.
const clawbacksTab workflow.State = "clawbacks"

// tabs are the finance queue's tabs, chosen marked current.
func tabs(chosen workflow.State, lang i18n.Lang) []financeTab {
	var out []financeTab
	for _, st := range financeTabs {
		out = append(out, financeTab{Href: "/finance?" + url.Values{"state": {string(st)}}.Encode(),
			Label: workflow.Payout.StateLabel(st).In(lang), Current: st == chosen})
	}
	return append(out, financeTab{Href: "/finance?state=" + string(clawbacksTab),
		Label: workflow.Clawback.StateLabel(workflow.ClawbackRaised).In(lang), Current: chosen == clawbacksTab})
}

// clawbackQueue is the finance queue's tab of open demands for repayment.
func (s *site) clawbackQueue(w http.ResponseWriter, r *http.Request, u model.User) error {
	lang := httpx.Lang(r)
	claws, err := s.Grants.ClawbackQueue(r.Context(), u, afterParam(r))
	if err != nil {
		return err
	}
	v := financeView{Tabs: tabs(clawbacksTab, lang), Caption: msg("finance.clawbacks_caption").In(lang), Clawbacks: true}
	apps := map[int64]model.Application{}
	var total money.Ore
	for _, c := range claws {
		a, ok := apps[c.ApplicationID]
		if !ok {
			if a, err = s.Store.Application(r.Context(), c.ApplicationID); err != nil {
				return err
			}
			apps[c.ApplicationID] = a
		}
		v.Rows = append(v.Rows, financeRow{Href: clawbackPath(c.ID), CaseNumber: a.CaseNumber, Title: titleOr(a.Title, lang),
			Recipient: recipientText(a.Recipient, lang), Amount: c.AmountOre.String(), Due: osloTime(c.RaisedAt)})
		total += c.AmountOre
	}
	v.Total = total.String()
	if len(claws) == financeQueuePage {
		v.Next = "/finance?" + url.Values{"state": {string(clawbacksTab)}, "after": {strconv.FormatInt(claws[len(claws)-1].ID, 10)}}.Encode()
	}
	return s.renderFinance(w, r, v)
}

// renderFinance renders a tab of the finance queue, with the links to
// the funds' ledgers.
func (s *site) renderFinance(w http.ResponseWriter, r *http.Request, v financeView) error {
	lang := httpx.Lang(r)
	funds, err := s.Store.Funds(r.Context())
	if err != nil {
		return err
	}
	if u, ok := httpx.User(r.Context()); ok {
		v.Exports = financeRole(u)
	}
	year := strconv.Itoa(s.now().In(workflow.Oslo).Year())
	for _, f := range funds {
		v.Ledgers = append(v.Ledgers, linkView{Href: "/funds/" + strconv.FormatInt(f.ID, 10) + "/ledger?year=" + year,
			Label: sprintf(lang, "finance.ledger_link", f.Name)})
	}
	return s.render(w, r, page{Template: "finance", Title: msg("finance.title").In(lang), Nav: "finance", Data: v})
}

// payoutRecipient is where tranche p's money goes: the recipient it was
// attested with, else its application's current one (looked up once per
// application in seen).
func (s *site) payoutRecipient(ctx context.Context, p model.Payout, seen map[int64]model.Recipient) (model.Recipient, error) {
	if p.Recipient != nil {
		return *p.Recipient, nil
	}
	if rec, ok := seen[p.ApplicationID]; ok {
		return rec, nil
	}
	a, err := s.Store.Application(ctx, p.ApplicationID)
	if err != nil {
		return model.Recipient{}, err
	}
	seen[p.ApplicationID] = a.Recipient
	return a.Recipient, nil
}

// recipientText shows a recipient on one line.
func recipientText(rec model.Recipient, lang i18n.Lang) string {
	switch {
	case rec.External():
		return sprintf(lang, "finance.recipient_external", rec.OrgNumber, rec.AccountNumber)
	case rec.CostCentre != "" || rec.ProjectNumber != "":
		return sprintf(lang, "finance.recipient_internal", rec.CostCentre, rec.ProjectNumber)
	}
	return msg("finance.no_recipient").In(lang)
}

// dueText says when a tranche falls due: its date, or its condition.
func dueText(p model.Payout, lang i18n.Lang) string {
	if p.DueDate != "" {
		return civilDate(p.DueDate)
	}
	return labelOf(payoutConditions, p.Condition, lang)
}

// ledgerKeys are the catalog keys of the ledger's lines, in order; each
// has a "_hint" key that explains it.
var ledgerKeys = []string{"ledger.frame", "ledger.committed", "ledger.paid", "ledger.clawed_back", "ledger.lapsed", "ledger.remaining"}

// ledgerView is the data of a fund's ledger page.
type ledgerView struct {
	Fund, Year string
	Years      []stateOption
	Action     string
	Lines      []ledgerLine
}

type ledgerLine struct {
	Label, Amount, Hint string
	Total               bool
}

// ledger shows a fund's budget for a year: the frame, and what grants
// hold, have been paid, were clawed back, lapsed, and what remains.
func (s *site) ledger(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	thisYear := s.now().In(workflow.Oslo).Year()
	year := thisYear
	if q := r.URL.Query().Get("year"); q != "" {
		y, err := strconv.Atoi(q)
		if err != nil || y < 2000 || y > 9999 {
			return apperr.New(apperr.BadRequest, msg("error.bad_year"))
		}
		year = y
	}
	l, err := s.Grants.Ledger(r.Context(), u, id, year)
	if err != nil {
		return err
	}
	fund, err := s.Store.Fund(r.Context(), id)
	if err != nil {
		return err
	}
	v := ledgerView{Fund: fund.Name, Year: strconv.Itoa(year), Action: "/funds/" + strconv.FormatInt(id, 10) + "/ledger"}
	for y := min(year, thisYear-3); y <= max(year, thisYear+1); y++ {
		ys := strconv.Itoa(y)
		v.Years = append(v.Years, stateOption{Value: ys, Label: ys, Selected: y == year})
	}
	amounts := []money.Ore{l.Frame, l.Committed, l.Paid, l.ClawedBack, l.Lapsed, l.Remaining}
	for i, key := range ledgerKeys {
		v.Lines = append(v.Lines, ledgerLine{Label: msg(key).In(lang), Hint: msg(key + "_hint").In(lang),
			Amount: amounts[i].String(), Total: key == "ledger.remaining"})
	}
	title := sprintf(lang, "ledger.title", fund.Name, year)
	return s.render(w, r, page{Template: "ledger", Title: title, Nav: navForMoney(u), Data: v})
}

// navForMoney marks the menu entry a money page belongs under.
func navForMoney(u model.User) string {
	if financeRole(u) {
		return "finance"
	}
	return "calls"
}
