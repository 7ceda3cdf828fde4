package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"nyttig/internal/blob"
	"nyttig/internal/grants"
	"nyttig/workflow"
)

// attachmentRows maps each file in the list of attachments to its row's text.
func attachmentRows(t *testing.T, r response) map[string]string {
	t.Helper()
	list := mustID(t, r, "attachment-list")
	rows := map[string]string{}
	for _, tr := range byTag(list, "tr") {
		if ths := byTag(tr, "th"); len(ths) > 0 && len(byTag(ths[0], "a")) > 0 {
			rows[text(ths[0])] = text(tr)
		}
	}
	return rows
}

// downloadLink is the href of the file named name in the list.
func downloadLink(t *testing.T, r response, name string) string {
	t.Helper()
	for _, a := range byTag(mustID(t, r, "attachment-list"), "a") {
		if text(a) == name {
			href, _ := attr(a, "href")
			return href
		}
	}
	t.Fatalf("no link to %s in the list:\n%s", name, r.body)
	return ""
}

// deleteAction is the action of the delete form of the file named name.
func deleteAction(t *testing.T, r response, name string) string {
	t.Helper()
	return downloadLink(t, r, name) + "/delete"
}

func TestAttachmentsOnTheApplicationPage(t *testing.T) {
	e := newEnv(t)
	kari := e.user(t, "Kari Vedlegg", workflow.Applicant)
	app := e.draft(t, kari, "Sensorer med vedlegg")
	detail := path(app.ID, "")
	c := e.client(t)
	c.login(kari)

	r := c.get(detail)
	wantStatus(t, r, http.StatusOK)
	label := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "for"); return n.Data == "label" && v == "f-file" })
	if len(label) != 1 || text(label[0]) != "Velg en fil å laste opp" {
		t.Fatalf("the file input is not labelled:\n%s", r.body)
	}
	if v, _ := attr(mustID(t, r, "f-file"), "aria-describedby"); v != "h-file" {
		t.Errorf("the file input is described by %q, want the hint", v)
	}
	if _, hidden := attr(mustID(t, r, "upload-progress-box"), "hidden"); !hidden {
		t.Error("the progress bar shows before any upload (and without JavaScript)")
	}
	scripts := findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "src"); return n.Data == "script" && v == "/static/upload.js" })
	if len(scripts) != 1 {
		t.Fatal("the page does not load upload.js")
	}
	if _, deferred := attr(scripts[0], "defer"); !deferred {
		t.Error("upload.js is not deferred")
	}
	edit := c.get(detail + "/edit")
	if len(findAll(edit.doc, func(n *htmlNode) bool { v, _ := attr(n, "href"); return v == detail+"#h-attachments" })) != 1 {
		t.Error("the edit form does not lead to the attachments")
	}
	js := c.get("/static/upload.js")
	if js.status != http.StatusOK || !strings.Contains(js.header.Get("Content-Type"), "javascript") {
		t.Errorf("upload.js: %d %q", js.status, js.header.Get("Content-Type"))
	}

	// Without JavaScript: a form post and a redirect back to the list.
	pdf, photo := pdfFile(), pngFile(t, 64, 48)
	wantRedirect(t, c.upload(path(app.ID, "/attachments"), "prosjektplan.pdf", pdf, nil), detail+"?done=attachment_added#h-attachments")
	wantRedirect(t, c.upload(path(app.ID, "/attachments"), "C:\\Bilder\\befaring.png", photo, nil), detail+"?done=attachment_added#h-attachments")
	r = c.get(detail + "?done=attachment_added")
	if !strings.Contains(text(r.doc), "Vedlegget er lastet opp.") {
		t.Error("no message after the upload")
	}
	rows := attachmentRows(t, r)
	for name, want := range map[string][]string{
		"prosjektplan.pdf": {"PDF-dokument", "byte", "Kari Vedlegg"},
		"befaring.png":     {"PNG-bilde", "kB", "Kari Vedlegg"},
	} {
		for _, w := range want {
			if !strings.Contains(rows[name], w) {
				t.Errorf("the row of %s is %q, want %q in it", name, rows[name], w)
			}
		}
	}
	list := text(mustID(t, r, "attachment-list"))
	if !strings.Contains(list, "Tidspunkt") || !strings.Contains(list, "Størrelse") {
		t.Errorf("the list lacks its headings: %q", list)
	}
	if caption := byTag(mustID(t, r, "attachment-list"), "caption"); len(caption) != 1 {
		t.Error("the list of files has no caption")
	}

	// The download is the file, as an attachment.
	dl := c.get(downloadLink(t, r, "prosjektplan.pdf"))
	wantStatus(t, dl, http.StatusOK)
	if dl.body != string(pdf) || dl.header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(dl.header.Get("Content-Disposition"), `attachment; filename="prosjektplan.pdf"`) {
		t.Errorf("download: %q %q, %d bytes", dl.header.Get("Content-Type"), dl.header.Get("Content-Disposition"), len(dl.body))
	}

	// A file that is not what its name says is refused, with the reason on the page.
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0, 1, 2, 0xfe}, 300)...)
	r = c.upload(path(app.ID, "/attachments"), "budsjett.pdf", exe, nil)
	wantStatus(t, r, http.StatusUnsupportedMediaType)
	wantFieldError(t, r, "f-file", "Filtypen er ikke tillatt.")
	if !strings.Contains(text(mustID(t, r, "main")), "Filen ble ikke lastet opp.") {
		t.Errorf("415 page:\n%s", r.body)
	}
	if _, ok := attachmentRows(t, r)["budsjett.pdf"]; ok {
		t.Error("the refused file is listed")
	}
	if n := len(e.attachments(t, kari, app.ID)); n != 2 {
		t.Errorf("%d files stored after a refused one, want 2", n)
	}
	// A post without a file.
	r = c.upload(path(app.ID, "/attachments"), "", nil, nil)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFieldError(t, r, "f-file", "Velg en fil.")

	// The upload script's requests get JSON.
	r = c.upload(path(app.ID, "/attachments"), "notater.txt", []byte("Møte med NAV tirsdag.\n"), asScript)
	wantStatus(t, r, http.StatusOK)
	if a := decodeAnswer(t, r); !a.OK || a.Name != "notater.txt" || a.Location != detail+"?done=attachment_added#h-attachments" {
		t.Errorf("answer %+v", a)
	}
	r = c.upload(path(app.ID, "/attachments"), "virus.png", exe, asScript)
	wantStatus(t, r, http.StatusUnsupportedMediaType)
	if a := decodeAnswer(t, r); a.OK || !strings.HasPrefix(a.Error, "Filtypen er ikke tillatt.") {
		t.Errorf("answer %+v", a)
	}
	c.header.Set("Accept-Language", "en")
	if r := c.upload(path(app.ID, "/attachments"), "", nil, asScript); decodeAnswer(t, r).Error != "Velg en fil." {
		t.Errorf("the answer is not in the user's language (bokmål): %s", r.body)
	}
	c.header.Del("Accept-Language")

	// Deleting from a draft.
	r = c.get(detail)
	wantRedirect(t, c.post(deleteAction(t, r, "notater.txt"), url.Values{}), detail+"?done=attachment_deleted#h-attachments")
	r = c.get(detail)
	if _, ok := attachmentRows(t, r)["notater.txt"]; ok || len(attachmentRows(t, r)) != 2 {
		t.Errorf("after deleting, the list is %v", attachmentRows(t, r))
	}

	// Someone else's application: nothing to see, nothing to do.
	other := e.user(t, "Nysgjerrig Nabo", workflow.Applicant)
	o := e.client(t)
	o.login(other)
	planHref := downloadLink(t, r, "prosjektplan.pdf")
	for what, res := range map[string]response{
		"download": o.get(planHref),
		"delete":   o.post(deleteAction(t, r, "prosjektplan.pdf"), url.Values{}),
		"upload":   o.upload(path(app.ID, "/attachments"), "kapret.pdf", pdf, nil),
	} {
		if res.status != http.StatusNotFound || strings.Contains(res.body, "prosjektplan") {
			t.Errorf("another applicant's %s: %d\n%s", what, res.status, res.body)
		}
	}

	// Once submitted the files are fixed.
	_, err := e.grants.Fire(context.Background(), kari, app.ID, workflow.Submit, "", "test")
	noErr(t, err)
	r = c.get(detail)
	if byID(r.doc, "f-file") != nil || !strings.Contains(text(r.doc), "Vedleggene kan ikke endres etter at søknaden er sendt inn.") {
		t.Error("a submitted application still offers the upload form")
	}
	if len(findAll(r.doc, func(n *htmlNode) bool { v, _ := attr(n, "action"); return strings.HasSuffix(v, "/delete") })) != 0 {
		t.Error("a submitted application still offers delete buttons")
	}
	res := c.post(deleteAction(t, r, "prosjektplan.pdf"), url.Values{})
	wantStatus(t, res, http.StatusConflict)
	if !strings.Contains(text(res.doc), "Vedlegg kan bare endres mens søknaden er et utkast eller sendt tilbake.") {
		t.Errorf("409 page:\n%s", res.body)
	}
	if a := decodeAnswer(t, c.upload(path(app.ID, "/attachments"), "sent.pdf", pdf, asScript)); a.OK {
		t.Error("an upload to a submitted application was accepted")
	}
	if n := len(e.attachments(t, kari, app.ID)); n != 2 {
		t.Errorf("%d files after the refusals, want 2", n)
	}

	// A case officer can download; a reviewer not assigned cannot.
	officer := e.user(t, "Siri Saksbehandler", workflow.CaseOfficer)
	s := e.client(t)
	s.login(officer)
	if res := s.get(planHref); res.status != http.StatusOK || res.body != string(pdf) {
		t.Errorf("the case officer's download: %d", res.status)
	}
	r = s.get(detail)
	if !strings.Contains(text(byID(r.doc, "h-history").NextSibling.NextSibling), "Vedlegg lastet ned") {
		t.Error("the case officer's download is not in the history")
	}
	stranger := e.person(t, "Ikke Tildelt", "Kultur", nil, workflow.Reviewer)
	x := e.client(t)
	x.login(stranger)
	wantStatus(t, x.get(planHref), http.StatusNotFound)
}

func TestUploadLimits(t *testing.T) {
	e := newEnv(t)
	e.grants.Limits = grants.Limits{FileBytes: 4 << 10, ApplicationBytes: 6 << 10}
	kari := e.user(t, "Kari Grense", workflow.Applicant)
	app := e.draft(t, kari, "Store filer")
	c := e.client(t)
	c.login(kari)

	big := pngFile(t, 200, 200)
	if len(big) < 5<<10 {
		t.Fatalf("the test picture is only %d bytes", len(big))
	}
	r := c.upload(path(app.ID, "/attachments"), "stort.png", big, nil)
	wantStatus(t, r, http.StatusRequestEntityTooLarge)
	wantFieldError(t, r, "f-file", "Filen er for stor")
	huge := bytes.Repeat(pdfFile(), 200) // past the limit and the room for the form around it
	if a := decodeAnswer(t, c.upload(path(app.ID, "/attachments"), "enorm.pdf", huge, asScript)); a.OK || !strings.Contains(a.Error, "for stor") {
		t.Errorf("answer %+v", a)
	}
	if list := e.attachments(t, kari, app.ID); len(list) != 0 {
		t.Errorf("stored %v", list)
	}
	if v, _ := attr(byTag(r.doc, "form")[len(byTag(r.doc, "form"))-1], "data-max-bytes"); v != "4096" {
		t.Errorf("the script is told the limit is %q bytes", v)
	}
}

func TestDownloadHeaders(t *testing.T) {
	e := newEnv(t)
	kari := e.user(t, "Kari Nedlaster", workflow.Applicant)
	app := e.draft(t, kari, "Hoder")
	ctx := context.Background()
	at, err := e.grants.AddAttachment(ctx, kari, app.ID, "Søknad «plan».pdf", bytes.NewReader(pdfFile()), "test")
	noErr(t, err)
	c := e.client(t)
	c.login(kari)
	href := "/attachments/" + strconv.FormatInt(at.ID, 10)
	r := c.get(href)
	wantStatus(t, r, http.StatusOK)
	for name, want := range map[string]string{
		"Content-Disposition":     `attachment; filename="S_knad _plan_.pdf"; filename*=UTF-8''S%C3%B8knad%20%C2%ABplan%C2%BB.pdf`,
		"Content-Security-Policy": "default-src 'none'; sandbox",
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "private, no-store",
	} {
		if got := r.header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, c.base+href, nil)
	req.Header.Set("Range", "bytes=0-3")
	if res := c.do(req); res.status != http.StatusPartialContent || res.body != "%PDF" {
		t.Errorf("range: %d %q", res.status, res.body)
	}
	wantStatus(t, c.get("/attachments/999999999"), http.StatusNotFound)
	wantStatus(t, c.post("/attachments/999999999/delete", url.Values{}), http.StatusNotFound)
}

// TestUploadWhenTheStorageIsDown points the grants service at object
// storage nobody listens on: the page says so with 503, and stores nothing.
func TestUploadWhenTheStorageIsDown(t *testing.T) {
	e := newEnv(t)
	kari := e.user(t, "Kari Utenfor", workflow.Applicant)
	app := e.draft(t, kari, "Uten fillager")
	dead, err := blob.Open("127.0.0.1:1", "nyttig", "nyttig-secret", "nyttig", false)
	noErr(t, err)
	e.grants.Blobs = dead
	c := e.client(t)
	c.login(kari)
	r := c.upload(path(app.ID, "/attachments"), "plan.pdf", pdfFile(), nil)
	wantStatus(t, r, http.StatusServiceUnavailable)
	wantFieldError(t, r, "f-file", "Fillageret svarer ikke akkurat nå.")
	if r.header.Get("Retry-After") == "" || strings.Contains(r.body, "127.0.0.1") {
		t.Errorf("503 page:\n%s", r.body)
	}
	r = c.upload(path(app.ID, "/attachments"), "plan.pdf", pdfFile(), asScript)
	wantStatus(t, r, http.StatusServiceUnavailable)
	if a := decodeAnswer(t, r); a.OK || !strings.HasPrefix(a.Error, "Fillageret svarer ikke") {
		t.Errorf("answer %+v", a)
	}
	if list := e.attachments(t, kari, app.ID); len(list) != 0 {
		t.Errorf("stored %v", list)
	}
}
