package letter

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"nyttig/internal/i18n"
)

// check reports what makes d unfit for a letter. Data is assembled by the
// system, not typed by a person, so a failure here is a caller's bug and the
// error is plain.
func (d *Data) check() error {
	var bad []string
	need := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			bad = append(bad, field+" is empty")
		}
	}
	needTime := func(field string, t time.Time) {
		if t.IsZero() {
			bad = append(bad, field+" is not set")
		}
	}
	if d.Language != i18n.NB && d.Language != i18n.EN {
		bad = append(bad, fmt.Sprintf("language %q is neither nb nor en", d.Language))
	}
	need("municipality", d.Municipality)
	need("fund", d.Fund)
	need("addressee", d.Addressee)
	need("case number", d.CaseNumber)
	need("application title", d.ApplicationTitle)
	need("signer name", d.SignerName)
	needTime("date", d.Date)
	need("reasons: rules", d.Reasons.Rules)
	need("reasons: facts", d.Reasons.Facts)
	need("reasons: considerations", d.Reasons.Considerations)
	if len(d.Logo) > 0 && imageType(d.Logo) == "" {
		bad = append(bad, "logo is neither PNG nor JPEG")
	}
	if d.Requested < 0 || d.Granted < 0 {
		bad = append(bad, "amounts are negative")
	}
	switch d.Outcome {
	case Approve:
		bad = append(bad, d.checkGrant()...)
	case Reject, Dismiss:
		if d.Granted != 0 {
			bad = append(bad, fmt.Sprintf("outcome %s grants %d øre", d.Outcome, d.Granted))
		}
	default:
		bad = append(bad, fmt.Sprintf("outcome %q is not approve, reject or dismiss", d.Outcome))
	}
	if len(bad) > 0 {
		return errors.New("letter: invalid data: " + strings.Join(bad, "; "))
	}
	return nil
}

// checkGrant checks the part of the data only a grant uses.
func (d *Data) checkGrant() []string {
	var bad []string
	if d.Granted <= 0 || d.Granted > d.Requested {
		bad = append(bad, fmt.Sprintf("granted %d øre is not between 1 and the requested %d", d.Granted, d.Requested))
	}
	if strings.TrimSpace(d.Purpose) == "" {
		bad = append(bad, "purpose is empty")
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{
		{"period start", d.PeriodStart}, {"period end", d.PeriodEnd},
		{"reporting deadline", d.ReportDeadline}, {"acceptance deadline", d.AcceptDeadline},
	} {
		if f.t.IsZero() {
			bad = append(bad, f.name+" is not set")
		}
	}
	if d.PeriodEnd.Before(d.PeriodStart) {
		bad = append(bad, "period ends before it starts")
	}
	if len(d.Payouts) == 0 {
		return append(bad, "payout plan is empty")
	}
	percent, amount := 0, int64(0)
	for i, p := range d.Payouts {
		percent += p.Percent
		amount += int64(p.Amount)
		if p.Percent < 1 || p.Percent > 100 {
			bad = append(bad, fmt.Sprintf("tranche %d: share %d %% is not 1–100", i+1, p.Percent))
		}
		if p.Trigger != OnAcceptance && p.Trigger != OnFinalReport && strings.TrimSpace(p.Condition) == "" {
			bad = append(bad, fmt.Sprintf("tranche %d: no condition and unknown trigger %q", i+1, p.Trigger))
		}
	}
	if percent != 100 {
		bad = append(bad, fmt.Sprintf("payout shares add up to %d %%, not 100 %%", percent))
	}
	if amount != int64(d.Granted) {
		bad = append(bad, fmt.Sprintf("payouts add up to %d øre, not the granted %d", amount, d.Granted))
	}
	return bad
}
