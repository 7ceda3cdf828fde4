package grants

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"

	"nyttig/internal/apperr"
	"nyttig/internal/deadline"
	"nyttig/internal/i18n"
	"nyttig/internal/letter"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// renderer is made once: it holds the parsed fonts.
var renderer = sync.OnceValues(letter.NewRenderer)

// LetterGraceDays is how many days after a letter is made available it
// counts as received when the applicant has not opened it.
const LetterGraceDays = 7

// letterPrefix is where letters live in the bucket.
const letterPrefix = "letters/"

// letterData gathers what the letter of decision d on application a says.
func (s *Service) letterData(ctx context.Context, a model.Application, d model.Decision, draft bool) (letter.Data, letter.Template, error) {
	call, err := s.Store.CallByID(ctx, a.CallID)
	if err != nil {
		return letter.Data{}, letter.Template{}, err
	}
	fund, err := s.Store.Fund(ctx, call.FundID)
	if err != nil {
		return letter.Data{}, letter.Template{}, err
	}
	applicant, err := s.Store.UserByID(ctx, a.ApplicantID)
	if err != nil {
		return letter.Data{}, letter.Template{}, err
	}
	signer, err := s.Store.UserByID(ctx, d.DecidedBy)
	if err != nil {
		return letter.Data{}, letter.Template{}, err
	}
	tmpl, err := s.letterTemplate(ctx, fund.ID)
	if err != nil {
		return letter.Data{}, letter.Template{}, err
	}
	logo, err := s.Store.FundLogo(ctx, fund.ID)
	if err != nil {
		return letter.Data{}, letter.Template{}, err
	}
	role := workflow.RoleLabels[workflow.DecisionMaker]
	if !signer.Has(workflow.DecisionMaker) {
		role = workflow.RoleLabels[workflow.CaseOfficer]
	}
	data := letter.Data{
		Language: applicant.Language, Municipality: fund.Municipality, Fund: fund.Name, Logo: logo,
		Addressee: applicant.Name, Unit: a.Unit, CaseNumber: a.CaseNumber, Date: d.DecidedAt,
		ApplicationTitle: a.Title, Outcome: letter.Outcome(d.Outcome), Requested: d.RequestedOre,
		Reasons:    letter.Reasons(d.Reasons),
		SignerName: signer.Name, SignerTitle: role.In(applicant.Language), Draft: draft,
	}
	if d.Outcome == model.OutcomeApprove {
		data.Granted, data.Purpose = d.AmountOre, a.Summary
		data.PeriodStart, _ = model.ParseDate(a.StartDate)
		data.PeriodEnd, _ = model.ParseDate(a.EndDate)
		data.Payouts = payoutPlan(call.PayoutPlan, d.AmountOre)
		data.ReportDeadline = deadline.EndOfDay(data.PeriodEnd.AddDate(0, call.ReportMonths, 0))
		data.AcceptDeadline = AcceptanceDeadline(d.DecidedAt, call)
	}
	return data, tmpl, nil
}

// AcceptanceDeadline is the end of the last day to accept a grant decided at.
func AcceptanceDeadline(decidedAt time.Time, call model.Call) time.Time {
	return deadline.Days(decidedAt, call.AcceptanceDays)
}

// payoutPlan splits a grant by the call's shares; the last tranche takes
// the øre that rounding leaves, so the tranches always sum to the grant.
func payoutPlan(plan []model.Tranche, granted money.Ore) []letter.Tranche {
	out := make([]letter.Tranche, len(plan))
	var sum money.Ore
	for i, t := range plan {
		amount := granted * money.Ore(t.SharePercent) / 100
		if i == len(plan)-1 {
			amount = granted - sum
		}
		sum += amount
		trigger := letter.OnAcceptance
		if t.Condition == model.OnFinalReport {
			trigger = letter.OnFinalReport
		}
		out[i] = letter.Tranche{Percent: t.SharePercent, Amount: amount, Trigger: trigger}
	}
	return out
}

func renderLetter(d letter.Data, t letter.Template) ([]byte, error) {
	r, err := renderer()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := r.Render(&buf, d, t); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// issueLetter renders the letter of decision d, stores it once in object
// storage and records it with its SHA-256 and a history row. The object is
// written first; if the row cannot be, the object is removed again.
func (s *Service) issueLetter(ctx context.Context, d model.Decision) (model.Letter, error) {
	a, err := s.Store.Application(ctx, d.ApplicationID)
	if err != nil {
		return model.Letter{}, err
	}
	data, tmpl, err := s.letterData(ctx, a, d, false)
	if err != nil {
		return model.Letter{}, err
	}
	pdf, err := renderLetter(data, tmpl)
	if err != nil {
		return model.Letter{}, err
	}
	sum := sha256.Sum256(pdf)
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	key := fmt.Sprintf("%s%d/%d-%s.pdf", letterPrefix, a.ID, d.ID, hex.EncodeToString(b))
	if _, err := s.Blobs.Put(ctx, key, bytes.NewReader(pdf), "application/pdf", int64(len(pdf))); err != nil {
		return model.Letter{}, storageDown(err)
	}
	l, err := s.Store.AddLetter(ctx, model.Letter{ApplicationID: a.ID, DecisionID: &d.ID, Language: string(data.Language),
		ObjectKey: key, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(pdf))}, true,
		store.Change{ActorID: d.DecidedBy, Now: s.Now()})
	if err != nil {
		s.removeObject(key)
		return model.Letter{}, err
	}
	return l, nil
}

// IssuePendingLetters writes the letters of decisions that have none yet:
// a decision commits first and its letter follows at once, but when object
// storage is down the letter waits for this retry.
func (s *Service) IssuePendingLetters(ctx context.Context) (int, error) {
	pending, err := s.Store.DecisionsWithoutLetter(ctx, 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range pending {
		_, err := s.issueLetter(ctx, d)
		switch {
		case errors.Is(err, store.ErrLetterExists):
		case err != nil:
			return n, err
		default:
			n++
		}
	}
	return n, nil
}

// afterDecision issues the letter of the decision just made; a failure is
// logged and left for IssuePendingLetters.
func (s *Service) afterDecision(ctx context.Context, appID int64) {
	d, ok, err := s.lastDecision(ctx, appID)
	if err != nil || !ok {
		slog.Warn("letter after decision", "application", appID, "err", err)
		return
	}
	if _, err := s.issueLetter(ctx, d); err != nil {
		slog.Warn("letter after decision; will retry", "application", appID, "err", err)
	}
}

// Letters lists an application's letters, for its project lead and staff.
func (s *Service) Letters(ctx context.Context, u model.User, appID int64) ([]model.Letter, error) {
	_, acc, err := s.open(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	if !acc.owner && !acc.staff {
		return nil, apperr.New(apperr.Forbidden, msgStaffOnly)
	}
	return s.Store.Letters(ctx, appID)
}

// OpenLetter returns a letter and its PDF. The project lead's first
// opening is recorded: it starts the appeal deadline.
func (s *Service) OpenLetter(ctx context.Context, u model.User, id int64) (model.Letter, *minio.Object, error) {
	l, err := s.Store.Letter(ctx, id)
	if err != nil {
		return l, nil, err
	}
	_, acc, err := s.open(ctx, u, l.ApplicationID)
	if err != nil || (!acc.owner && !acc.staff) {
		return model.Letter{}, nil, apperr.New(apperr.NotFound, i18n.T("Fant ikke brevet.", "Letter not found."))
	}
	obj, err := s.Blobs.Open(ctx, l.ObjectKey)
	if err != nil {
		return l, nil, storageDownRead(err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return l, nil, storageDownRead(err)
	}
	if acc.owner && l.FirstOpenedAt == nil {
		if err := s.Store.MarkLetterOpened(ctx, l.ID, s.Now()); err != nil {
			obj.Close()
			return l, nil, err
		}
	}
	return l, obj, nil
}

// LetterPreview renders the letter the recommendation (or the latest
// decision) would give, marked UTKAST/DRAFT, for staff.
func (s *Service) LetterPreview(ctx context.Context, u model.User, appID int64) ([]byte, error) {
	a, acc, err := s.open(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	if !acc.staff {
		return nil, apperr.New(apperr.Forbidden, msgStaffOnly)
	}
	d, err := s.previewDecision(ctx, u, a)
	if err != nil {
		return nil, err
	}
	data, tmpl, err := s.letterData(ctx, a, d, true)
	if err != nil {
		return nil, err
	}
	return renderLetter(data, tmpl)
}

// LetterForOperator returns, for the command line, the latest stored
// letter of an application, or the draft preview when it has none, and
// says which it is.
func (s *Service) LetterForOperator(ctx context.Context, appID int64) ([]byte, string, error) {
	letters, err := s.Store.Letters(ctx, appID)
	if err != nil {
		return nil, "", err
	}
	if len(letters) > 0 {
		obj, err := s.Blobs.Open(ctx, letters[0].ObjectKey)
		if err != nil {
			return nil, "", storageDownRead(err)
		}
		defer obj.Close()
		pdf, err := io.ReadAll(obj)
		if err != nil {
			return nil, "", storageDownRead(err)
		}
		return pdf, fmt.Sprintf("letter version %d", letters[0].Version), nil
	}
	pdf, err := s.LetterPreview(ctx, SystemUser, appID)
	return pdf, "draft preview", err
}

// previewDecision is what a preview shows: while the case awaits a
// decision, the recommendation; after one, the latest decision.
func (s *Service) previewDecision(ctx context.Context, u model.User, a model.Application) (model.Decision, error) {
	awaiting := a.State == workflow.InReview || a.State == workflow.Recommended || a.State == workflow.Appealed
	if !awaiting {
		if d, ok, err := s.lastDecision(ctx, a.ID); err != nil || ok {
			return d, err
		}
	}
	rec, ok, err := s.Store.Recommendation(ctx, a.ID)
	if err != nil {
		return model.Decision{}, err
	}
	if !ok {
		return model.Decision{}, apperr.New(apperr.Conflict, i18n.T("Skriv innstillingen før du forhåndsviser brevet.", "Write the recommendation before previewing the letter."))
	}
	d := model.Decision{ApplicationID: a.ID, RequestedOre: a.RequestedAmountOre, DecidedBy: u.ID, DecidedAt: s.Now(),
		Outcome: rec.Outcome, AmountOre: rec.AmountOre, Reasons: rec.Reasons}
	if d.DecidedBy == 0 { // the command line: sign with the recommendation's author
		d.DecidedBy = rec.AuthorID
	}
	return d, nil
}
