package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// lettersView is the "Vedtak og brev" section of the detail page: the
// latest decision, its deadlines, the stored letters and, once the grant
// is accepted, the payout plan.
type lettersView struct {
	Decision *decisionFacts
	// AcceptBy is the acceptance deadline, while the grant awaits an answer.
	AcceptBy string
	// AppealBy is the appeal deadline, once the decision's letter exists;
	// AppealNote explains that it runs from the letter's first opening.
	AppealBy, AppealNote string
	Rows                 []letterRow
	Payouts              []payoutRow
	PayoutTotal          string
	// PreviewHref is staff's draft of the letter the recommendation gives.
	PreviewHref string
}

// decisionFacts is the latest decision as the detail page shows it.
type decisionFacts struct {
	Outcome, Decided, Requested, Granted string
}

type letterRow struct{ Href, Label, Created, Size, Opened string }

// payoutRow is one tranche of the payout plan; Href opens it for those
// who handle payouts.
type payoutRow struct{ Share, When, Amount, State, Href, LinkLabel string }

func letterPath(id int64) string { return "/letters/" + strconv.FormatInt(id, 10) }

// payoutConditions label a payout's condition; its states are labelled
// by workflow.Payout.
var payoutConditions = map[string]string{model.OnAcceptance: "payout.on_acceptance",
	model.OnFinalReport: "payout.on_final_report", model.OnDate: "payout.on_date"}

// labelOf looks up value's label in a table of catalog keys; an unknown
// value shows as itself.
func labelOf(table map[string]string, value string, lang i18n.Lang) string {
	if key, ok := table[value]; ok {
		return msg(key).In(lang)
	}
	return value
}

// decisionLabel names a decision's outcome as the lifecycle does, with
// "Delvis innvilget" for a grant below the amount applied for.
func decisionLabel(d model.Decision, lang i18n.Lang) string {
	switch {
	case d.Partial():
		return workflow.PartialApprovalLabel.In(lang)
	case d.Outcome == model.OutcomeApprove:
		return workflow.Application.StateLabel(workflow.Approved).In(lang)
	case d.Outcome == model.OutcomeReject:
		return workflow.Application.StateLabel(workflow.Rejected).In(lang)
	}
	return workflow.Application.StateLabel(workflow.Dismissed).In(lang)
}

// lettersSection builds the section for u, and returns the latest
// decision (ok false when there is none). It is nil for those grants does
// not show the letters to (a reviewer), and when there is nothing to show.
func (s *site) lettersSection(ctx context.Context, u model.User, app model.Application, call model.Call, lang i18n.Lang) (*lettersView, model.Decision, bool, error) {
	var latest model.Decision
	letters, err := s.Grants.Letters(ctx, u, app.ID)
	if apperr.Is(err, apperr.Forbidden) {
		return nil, latest, false, nil
	}
	if err != nil {
		return nil, latest, false, err
	}
	decisions, err := s.Store.Decisions(ctx, app.ID)
	if err != nil {
		return nil, latest, false, err
	}
	mine := app.ApplicantID == u.ID
	v := &lettersView{}
	if app.State == workflow.Recommended && !mine && u.IsStaff() {
		v.PreviewHref = appPath(app.ID) + "/letter-preview"
	}
	for _, l := range letters {
		row := letterRow{Href: letterPath(l.ID), Label: sprintf(lang, "letters.link", l.Version), Created: osloTime(l.CreatedAt),
			Size: fileSize(l.Size, lang), Opened: msg("letters.not_opened").In(lang)}
		if l.FirstOpenedAt != nil {
			row.Opened = osloTime(*l.FirstOpenedAt)
		}
		v.Rows = append(v.Rows, row)
	}
	decided := len(decisions) > 0
	if decided {
		latest = decisions[len(decisions)-1]
		v.Decision = &decisionFacts{Outcome: decisionLabel(latest, lang), Decided: osloTime(latest.DecidedAt),
			Requested: latest.RequestedOre.String()}
		if latest.Outcome == model.OutcomeApprove {
			v.Decision.Granted = latest.AmountOre.String()
		}
		if app.State == workflow.Approved {
			v.AcceptBy = osloTime(grants.AcceptanceDeadline(latest.DecidedAt, call))
		}
	}
	due, started, err := s.Grants.AppealDeadline(ctx, app.ID)
	if err != nil {
		return nil, latest, false, err
	}
	if started {
		v.AppealBy = osloTime(due)
		if len(letters) > 0 && letters[0].FirstOpenedAt == nil {
			key := "letters.appeal_from_opening_staff"
			if mine {
				key = "letters.appeal_from_opening"
			}
			v.AppealNote = sprintf(lang, key, grants.LetterGraceDays)
		}
	}
	payouts, err := s.Store.Payouts(ctx, app.ID)
	if err != nil {
		return nil, latest, false, err
	}
	var total money.Ore
	for _, p := range payouts {
		row := payoutRow{Share: strconv.Itoa(p.SharePercent) + "\u00a0%", Amount: p.AmountOre.String(),
			When: dueText(p, lang), State: workflow.Payout.StateLabel(workflow.State(p.State)).In(lang)}
		if !mine && handlesPayouts(u) {
			row.Href, row.LinkLabel = payoutPath(p.ID), sprintf(lang, "payout.link", p.Position)
		}
		v.Payouts = append(v.Payouts, row)
		total += p.AmountOre
	}
	v.PayoutTotal = total.String()
	if !decided && len(v.Rows) == 0 && v.PreviewHref == "" {
		return nil, latest, false, nil
	}
	return v, latest, decided, nil
}

// letterFileName is the name a letter is saved under: "vedtak-2026-0042-v1.pdf".
func letterFileName(caseNumber string, version int) string {
	return "vedtak-" + caseSlug(caseNumber) + "-v" + strconv.Itoa(version) + ".pdf"
}

// caseSlug writes a case number (2026/0042) as part of a file name.
func caseSlug(caseNumber string) string { return strings.ReplaceAll(caseNumber, "/", "-") }

// downloadLetter sends a stored letter to those grants lets open it; the
// project lead's first download starts the appeal deadline.
func (s *site) downloadLetter(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	l, obj, err := s.Grants.OpenLetter(r.Context(), u, id)
	if apperr.Is(err, apperr.NotFound) {
		return apperr.New(apperr.NotFound, msg("letters.not_found"))
	}
	if err != nil {
		return err
	}
	defer obj.Close()
	// Only for the case number in the file's name: grants has let u open it.
	app, err := s.Store.Application(r.Context(), l.ApplicationID)
	if err != nil {
		return err
	}
	httpx.ServeFile(w, r, model.Attachment{Name: letterFileName(app.CaseNumber, l.Version), ContentType: "application/pdf",
		SHA256: l.SHA256, Size: l.Size, CreatedAt: l.CreatedAt}, obj)
	return nil
}

// letterPreview sends staff the draft letter the recommendation would
// give, marked UTKAST.
func (s *site) letterPreview(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	pdf, err := s.Grants.LetterPreview(r.Context(), u, id)
	if err != nil {
		return err
	}
	app, err := s.Store.Application(r.Context(), id)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(pdf)
	httpx.ServeFile(w, r, model.Attachment{Name: "utkast-vedtak-" + caseSlug(app.CaseNumber) + ".pdf", ContentType: "application/pdf",
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(pdf)), CreatedAt: s.now()}, bytes.NewReader(pdf))
	return nil
}
