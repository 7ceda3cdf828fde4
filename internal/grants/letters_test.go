package grants_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	pngenc "image/png"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-raw", "-", "-") // content order: the diagonal watermark stays one word
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (Debian's poppler-utils; `make test` installs it): %v", err)
	}
	return string(out)
}

// approved recommends and approves amount of requested.
func (w *world) approved(requested, amount money.Ore) model.Application {
	w.t.Helper()
	a := w.recommended(requested)
	if _, err := w.g.Declare(w.ctx, w.decider, a.ID, false, "", "t"); err != nil {
		w.t.Fatal(err)
	}
	return w.must(w.g.FireWith(w.ctx, w.decider, a.ID, workflow.Approve, grants.EventInput{AmountOre: &amount}, "t"))
}

func TestDecisionIssuesAStoredLetter(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.approved(money.FromKroner(100_000), money.FromKroner(80_000))
	letters, err := w.g.Letters(w.ctx, w.applicant, a.ID)
	if err != nil || len(letters) != 1 || letters[0].Version != 1 || letters[0].DecisionID == nil {
		t.Fatalf("letters %+v, %v", letters, err)
	}
	l, obj, err := w.g.OpenLetter(w.ctx, w.applicant, letters[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(obj)
	obj.Close()
	sum := sha256.Sum256(pdf)
	if hex.EncodeToString(sum[:]) != l.SHA256 || int64(len(pdf)) != l.Size {
		t.Fatal("the stored letter does not match its checksum")
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"Delvis innvilget", a.CaseNumber, "80 000", "100 000", reasons.Facts[:10]} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q", want)
		}
	}
	if strings.Contains(singleLetters(text), "UTKAST") {
		t.Error("the final letter carries the draft watermark")
	}
	again, _ := w.g.Letters(w.ctx, w.applicant, a.ID)
	if again[0].FirstOpenedAt == nil {
		t.Error("the applicant's first opening was not recorded")
	}
	if _, _, err := w.g.OpenLetter(w.ctx, w.user("Annen", "X", nil, workflow.Applicant), l.ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("another applicant opening the letter: %v", err)
	}
	h, _ := w.g.History(w.ctx, w.officer, a.ID)
	if !strings.Contains(historyEvents(h), "letter_created") {
		t.Error("the letter's creation is not in the history")
	}
	// Issuing pending letters again adds nothing.
	if n, err := w.g.IssuePendingLetters(w.ctx); err != nil || n != 0 {
		t.Errorf("pending letters after issuing: %d, %v", n, err)
	}
}

// singleLetters joins the lines of one letter each: pdftotext puts each
// glyph of the diagonal watermark on a line of its own.
func singleLetters(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); len([]rune(line)) == 1 {
			b.WriteString(line)
		}
	}
	return b.String()
}

func historyEvents(h []model.HistoryEntry) string {
	var names []string
	for _, e := range h {
		names = append(names, e.Event)
	}
	return strings.Join(names, " ")
}

func TestPreviewIsMarkedDraft(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	a := w.recommended(money.FromKroner(50_000))
	pdf, err := w.g.LetterPreview(w.ctx, w.officer, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, pdf); !strings.Contains(singleLetters(text), "UTKAST") || !strings.Contains(text, "Innvilget") {
		t.Fatalf("preview text:\n%s", text)
	}
	if _, err := w.g.LetterPreview(w.ctx, w.applicant, a.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("an applicant previewing: %v", err)
	}
}

func TestAcceptanceCreatesThePayoutPlan(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	granted := money.Ore(3333333) // 33 333,33 kr: the shares do not divide evenly
	a := w.approved(money.FromKroner(50_000), granted)
	got := w.must(w.g.Fire(w.ctx, w.applicant, a.ID, workflow.Accept, "", "t"))
	if got.State != workflow.Accepted {
		t.Fatalf("state %s", got.State)
	}
	plan, _ := w.st.Payouts(w.ctx, a.ID)
	var sum money.Ore
	for _, p := range plan {
		sum += p.AmountOre
	}
	if len(plan) != 2 || sum != granted || plan[0].SharePercent != 75 || plan[0].State != "due" || plan[1].State != "planned" {
		t.Fatalf("plan %+v sums to %d, want %d", plan, sum, granted)
	}
}

func TestDeclineAndLapseReleaseTheCommitment(t *testing.T) {
	w := newWorld(t, money.FromKroner(100_000), false)
	a := w.approved(money.FromKroner(40_000), money.FromKroner(40_000))
	b := w.approved(money.FromKroner(40_000), money.FromKroner(40_000))
	if l, _ := w.g.Ledger(w.ctx, w.officer, w.fund.ID, w.call.BudgetYear); l.Remaining != money.FromKroner(20_000) {
		t.Fatalf("after two grants: %+v", l)
	}
	w.must(w.g.Fire(w.ctx, w.applicant, a.ID, workflow.Decline, "", "t"))
	// Thirty-one days later the other grant's acceptance deadline has passed.
	real := w.g.Now
	w.g.Now = func() time.Time { return real().AddDate(0, 0, 31) }
	defer func() { w.g.Now = real }()
	if _, err := w.g.Fire(w.ctx, w.applicant, b.ID, workflow.Accept, "", "t"); !apperr.Is(err, apperr.Conflict) || !strings.Contains(apperr.As(err).Message.NB, "gikk ut") {
		t.Fatalf("accepting after the deadline: %v", err)
	}
	n, err := w.g.LapseOverdue(w.ctx)
	if err != nil || n < 1 {
		t.Fatalf("lapsed %d, %v", n, err)
	}
	got, _ := w.g.Application(w.ctx, w.officer, b.ID)
	l, _ := w.g.Ledger(w.ctx, w.officer, w.fund.ID, w.call.BudgetYear)
	if got.State != workflow.Withdrawn || l.Committed != 0 || l.Remaining != money.FromKroner(100_000) {
		t.Fatalf("after decline and lapse: state %s, ledger %+v", got.State, l)
	}
}

func TestAppealDeadline(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	full := w.approved(money.FromKroner(10_000), money.FromKroner(10_000))
	if _, err := w.g.Fire(w.ctx, w.applicant, full.ID, workflow.Appeal, "Jeg klager", "t"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("appealing a full grant: %v", err)
	}
	a := w.approved(money.FromKroner(10_000), money.FromKroner(5_000))
	due, started, err := w.g.AppealDeadline(w.ctx, a.ID)
	if err != nil || !started {
		t.Fatalf("deadline %v %v %v", due, started, err)
	}
	real := w.g.Now
	defer func() { w.g.Now = real }()
	w.g.Now = func() time.Time { return due.Add(time.Minute) }
	_, err = w.g.Fire(w.ctx, w.applicant, a.ID, workflow.Appeal, "For sent", "t")
	if !apperr.Is(err, apperr.Conflict) || !strings.Contains(apperr.As(err).Message.NB, due.In(workflow.Oslo).Format("02.01.2006")) {
		t.Fatalf("appealing after the deadline: %v", err)
	}
	w.g.Now = func() time.Time { return due.Add(-time.Minute) }
	got := w.must(w.g.Fire(w.ctx, w.applicant, a.ID, workflow.Appeal, "Budsjettet er for lavt", "t"))
	if got.State != workflow.Appealed {
		t.Fatalf("state %s", got.State)
	}
	// The case officer reverses: back to review, and a new decision gives a new letter.
	w.must(w.g.Fire(w.ctx, w.officer, a.ID, workflow.Reverse, "Ny vurdering", "t"))
	w.must(w.g.Fire(w.ctx, w.officer, a.ID, workflow.Recommend, "", "t"))
	w.must(w.g.Fire(w.ctx, w.decider, a.ID, workflow.Approve, "", "t"))
	letters, _ := w.g.Letters(w.ctx, w.officer, a.ID)
	if len(letters) != 2 || letters[0].Version != 2 {
		t.Fatalf("letters after the new decision: %+v", letters)
	}
	l, _ := w.g.Ledger(w.ctx, w.officer, w.fund.ID, w.call.BudgetYear)
	if l.Committed != money.FromKroner(20_000) {
		t.Fatalf("the new decision's commitment replaced the old one: %+v", l)
	}
}

func TestFundLogoGoesOnTheLetters(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	admin := w.user("Admin", "Stab", nil, workflow.Admin)
	var png bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	if err := pngenc.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	if err := w.g.SetFundLogo(w.ctx, w.officer, w.fund.ID, png.Bytes()); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("a case officer setting the logo: %v", err)
	}
	if err := w.g.SetFundLogo(w.ctx, admin, w.fund.ID, []byte("not an image")); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("a broken logo: %v", err)
	}
	plain := w.recommended(money.FromKroner(10_000))
	before, err := w.g.LetterPreview(w.ctx, w.officer, plain.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.g.SetFundLogo(w.ctx, admin, w.fund.ID, png.Bytes()); err != nil {
		t.Fatal(err)
	}
	after, err := w.g.LetterPreview(w.ctx, w.officer, plain.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(after, []byte("/Subtype /Image")) || bytes.Contains(before, []byte("/Subtype /Image")) {
		t.Fatal("the logo is not drawn on the letter once set, or was there before")
	}
}
