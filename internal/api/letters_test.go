package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// decisionEvents is the event that decides each outcome.
var decisionEvents = map[string]workflow.Event{
	model.OutcomeApprove: workflow.Approve, model.OutcomeReject: workflow.Reject, model.OutcomeDismiss: workflow.Dismiss,
}

// decided is owner's application asking for requested, taken through
// review by officer and decided by decider with outcome, granting granted
// when it is an approval. Its letter is stored by the time it returns,
// unless the file storage is down.
func (e *env) decided(t testing.TB, owner, officer, decider user, outcome string, requested, granted money.Ore) model.Application {
	t.Helper()
	a := e.inReview(t, owner, officer, fieldsAsking(e.call, requested, "Byggesak"))
	e.recommend(t, officer, a.ID, outcome, granted)
	e.declareFree(t, decider, a.ID)
	var in grants.EventInput
	if outcome == model.OutcomeApprove {
		in.AmountOre = &granted
	}
	a, err := e.grants.FireWith(context.Background(), decider.User, a.ID, decisionEvents[outcome], in, "setup")
	if err != nil {
		t.Fatalf("decide %s: %v", outcome, err)
	}
	return a
}

func lettersPath(appID int64) string { return fmt.Sprintf("/applications/%d/letters", appID) }
func letterPath(id int64) string     { return fmt.Sprintf("/letters/%d", id) }

// letters lists application appID's letters as u sees them, newest first.
func (e *env) letters(t testing.TB, u user, appID int64) []model.Letter {
	t.Helper()
	return decode[struct{ Items []model.Letter }](t, e.expect(t, req{method: "GET", path: lettersPath(appID), token: u.token}, http.StatusOK)).Items
}

// onlyLetter is the one letter of application appID.
func (e *env) onlyLetter(t testing.TB, u user, appID int64) model.Letter {
	t.Helper()
	l := e.letters(t, u, appID)
	if len(l) != 1 {
		t.Fatalf("application %d has letters %+v, want one", appID, l)
	}
	return l[0]
}

// download fetches letter l as u and checks that it is l's PDF, whole: its
// type, length, checksum and ETag. It returns the bytes.
func (e *env) download(t testing.TB, u user, l model.Letter) []byte {
	t.Helper()
	res := e.expect(t, req{method: "GET", path: letterPath(l.ID), token: u.token}, http.StatusOK)
	pdf := isPDF(t, res)
	if n, err := strconv.ParseInt(res.header.Get("Content-Length"), 10, 64); err != nil || n != int64(len(pdf)) || n != l.Size {
		t.Errorf("letter %d: Content-Length %q, body %d bytes, listed size %d", l.ID, res.header.Get("Content-Length"), len(pdf), l.Size)
	}
	if got := sha256Hex(pdf); got != l.SHA256 {
		t.Errorf("letter %d: the body's SHA-256 is %s, the listed sha256 %s", l.ID, got, l.SHA256)
	}
	if etag := res.header.Get("ETag"); etag != `"`+l.SHA256+`"` {
		t.Errorf("letter %d: ETag %s, want the sha256 in quotes", l.ID, etag)
	}
	want := fmt.Sprintf(`attachment; filename="vedtak-%d-v%d.pdf"`, l.ApplicationID, l.Version)
	if cd := res.header.Get("Content-Disposition"); !strings.HasPrefix(cd, want) {
		t.Errorf("letter %d: Content-Disposition %q, want %s…", l.ID, cd, want)
	}
	return pdf
}

// isPDF fails unless res is a PDF, and returns it.
func isPDF(t testing.TB, res response) []byte {
	t.Helper()
	if ct := res.header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q, want application/pdf", ct)
	}
	if !bytes.HasPrefix(res.body, []byte("%PDF-")) {
		t.Fatalf("the body does not start with %%PDF-: %.40q", res.body)
	}
	return res.body
}

// pdfText is the text of pdf in content order, as pdftotext gives it.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("pdftotext is missing; the letter tests read PDFs with it. Install poppler-utils (`apt-get install poppler-utils`; `make test` does): %v", err)
	}
	cmd := exec.Command("pdftotext", "-raw", "-", "-") // content order: the diagonal watermark keeps one glyph a line
	cmd.Stdin = bytes.NewReader(pdf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.Bytes())
	}
	return string(out)
}

// words is text with every run of white space, line breaks and no-break
// spaces included, as one space: a phrase is found wherever a line ends.
func words(text string) string { return strings.Join(strings.Fields(text), " ") }

// watermark joins the lines of one glyph each: pdftotext gives each glyph
// of the diagonal UTKAST watermark a line of its own.
func watermark(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); len([]rune(line)) == 1 {
			b.WriteString(line)
		}
	}
	return b.String()
}

// TestLettersOverHTTP follows a partial grant's letter: the draft for
// staff, the stored letter listed with its checksum, downloads that match
// it, and the project lead's first download recorded, nobody else's.
func TestLettersOverHTTP(t *testing.T) {
	e := newEnv(t)
	e.setFrame(t, money.FromKroner(1_000_000))
	owner := e.person(t, "Kari Nordmann", "Helse", workflow.Applicant)
	other := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	decider := e.user(t, workflow.DecisionMaker)
	requested := money.FromKroner(80_000)
	a := e.inReview(t, owner, officer, fieldsAsking(e.call, requested, "Helse"))
	appPath := "/applications/" + itoa(a.ID)

	if l := e.letters(t, owner, a.ID); len(l) != 0 {
		t.Fatalf("letters before any decision: %+v", l)
	}
	errorBody(t, e.expect(t, req{method: "GET", path: appPath + "/letter-preview", token: officer.token}, http.StatusConflict))

	// The preview is the staff's: the recommendation's letter, marked as a draft.
	e.recommend(t, officer, a.ID, model.OutcomeApprove, requested)
	e.declareFree(t, decider, a.ID)
	res := e.expect(t, req{method: "GET", path: appPath + "/letter-preview", token: officer.token}, http.StatusOK)
	draft := isPDF(t, res)
	if etag := res.header.Get("ETag"); etag != `"`+sha256Hex(draft)+`"` {
		t.Errorf("the preview's ETag is %s, want its SHA-256 in quotes", etag)
	}
	if preview := pdfText(t, draft); !strings.Contains(watermark(preview), "UTKAST") || !strings.Contains(preview, "Innvilget") ||
		!strings.Contains(preview, a.CaseNumber) {
		t.Errorf("the preview is not the recommendation's draft:\n%s", preview)
	}
	errorBody(t, e.expect(t, req{method: "GET", path: appPath + "/letter-preview", token: owner.token}, http.StatusForbidden))

	// The decision: half the amount, which stores the letter.
	granted := requested / 2
	e.expect(t, req{method: "POST", path: appPath + "/events/approve", token: decider.token, body: map[string]any{"amount_ore": granted}}, http.StatusOK)
	l := e.onlyLetter(t, owner, a.ID)
	if l.ApplicationID != a.ID || l.Version != 1 || l.DecisionID == nil || l.Language != "nb" || len(l.SHA256) != 64 || l.FirstOpenedAt != nil {
		t.Fatalf("letter %+v, want version 1 of the decision, in bokmål, with a sha256, not opened", l)
	}
	if h := historyEvents(e.history(t, officer, a.ID)); !slices.Contains(h, "letter_created") {
		t.Errorf("history %v has no letter_created", h)
	}

	// A case officer's download does not start the appeal deadline.
	pdf := e.download(t, officer, l)
	if got := e.onlyLetter(t, officer, a.ID); got.FirstOpenedAt != nil {
		t.Errorf("a case officer's download was recorded as the first opening: %v", got.FirstOpenedAt)
	}
	part := e.expect(t, req{method: "GET", path: letterPath(l.ID), token: officer.token, header: map[string]string{"Range": "bytes=0-4"}}, http.StatusPartialContent)
	if string(part.body) != "%PDF-" {
		t.Errorf("bytes 0-4 of the letter are %q", part.body)
	}
	e.expect(t, req{method: "GET", path: letterPath(l.ID), token: officer.token, header: map[string]string{"If-None-Match": `"` + l.SHA256 + `"`}},
		http.StatusNotModified)
	if got := e.onlyLetter(t, officer, a.ID); got.FirstOpenedAt != nil {
		t.Errorf("a case officer's partial download was recorded as the first opening: %v", got.FirstOpenedAt)
	}

	// The project lead's first download does; a second one moves nothing.
	before := time.Now().Truncate(time.Microsecond)
	if mine := e.download(t, owner, l); !bytes.Equal(mine, pdf) {
		t.Error("the project lead downloads other bytes than the case officer")
	}
	opened := e.onlyLetter(t, owner, a.ID).FirstOpenedAt
	if opened == nil || opened.Before(before) || opened.After(time.Now()) {
		t.Fatalf("after the project lead's download first_opened_at is %v, want the time of the download", opened)
	}
	e.download(t, owner, l)
	if again := e.onlyLetter(t, owner, a.ID).FirstOpenedAt; again == nil || !again.Equal(*opened) {
		t.Errorf("a second download moved first_opened_at from %v to %v", opened, again)
	}

	// Another applicant learns nothing of it.
	errorBody(t, e.expect(t, req{method: "GET", path: letterPath(l.ID), token: other.token}, http.StatusNotFound))
	errorBody(t, e.expect(t, req{method: "GET", path: lettersPath(a.ID), token: other.token}, http.StatusNotFound))
	errorBody(t, e.expect(t, req{method: "GET", path: letterPath(l.ID + 1_000_000), token: officer.token}, http.StatusNotFound))

	// The stored letter states the decision, and is no draft.
	text := pdfText(t, pdf)
	for _, want := range []string{"Delvis innvilget", a.CaseNumber, words(granted.Number()), words(requested.Number()), "Kari Nordmann"} {
		if !strings.Contains(words(text), want) {
			t.Errorf("the stored letter lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(watermark(text), "UTKAST") {
		t.Error("the stored letter carries the draft watermark")
	}
}
