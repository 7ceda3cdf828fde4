package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/model"
	"nyttig/internal/testenv"
	"nyttig/workflow"
)

var objectKey = regexp.MustCompile(`^attachments/[0-9]+/[0-9a-f]{32}$`)

// TestAttachmentRoundTrip uploads a file with a hostile name and downloads
// it whole and in part: the bytes, the checksum and the headers must hold.
func TestAttachmentRoundTrip(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	content := pdfFile()
	const wantName = "Søknad «plan».pdf"

	res := e.upload(t, owner, app.ID, "../../etc/Søknad «plan»\x07.pdf", content)
	if res.status != http.StatusCreated {
		t.Fatalf("upload: got %s, want 201", res)
	}
	var fields map[string]any
	if err := json.Unmarshal(res.body, &fields); err != nil {
		t.Fatal(err)
	}
	wantFields := []string{"application_id", "content_type", "created_at", "id", "name", "sha256", "size", "uploaded_by", "uploaded_by_name"}
	if got := slices.Sorted(maps.Keys(fields)); !slices.Equal(got, wantFields) {
		t.Errorf("201 body has fields %v, want %v", got, wantFields)
	}
	at := decode[model.Attachment](t, res)
	if at.ID <= 0 || at.ApplicationID != app.ID || at.Name != wantName || at.Size != int64(len(content)) ||
		at.ContentType != "application/pdf" || at.UploadedBy != owner.ID || at.UploaderName != owner.Name || at.CreatedAt.IsZero() {
		t.Errorf("201 body %+v, want a PDF of %d bytes named %q by %d", at, len(content), wantName, owner.ID)
	}
	if want := sha256Hex(content); at.SHA256 != want {
		t.Errorf("sha256 = %s, want %s", at.SHA256, want)
	}
	if got, want := res.header.Get("Location"), "/api/v1"+attachmentPath(at.ID); got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}

	objects, unfinished := e.stored(t, objectPrefix(app.ID))
	if len(objects) != 1 || !objectKey.MatchString(objects[0]) || len(unfinished) != 0 {
		t.Errorf("bucket holds %v (unfinished %v), want one object under a key the server made", objects, unfinished)
	}
	if bytes.Contains(res.body, []byte("attachments/")) {
		t.Errorf("the object key leaks to the client: %s", res)
	}
	if list := e.attachments(t, owner, app.ID); len(list) != 1 || list[0] != at {
		t.Errorf("list = %+v, want [%+v]", list, at)
	}

	dl := e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: owner.token}, http.StatusOK)
	if !bytes.Equal(dl.body, content) {
		t.Errorf("downloaded %d bytes that differ from the %d uploaded", len(dl.body), len(content))
	}
	for h, want := range map[string]string{
		"Content-Length":         strconv.Itoa(len(content)),
		"Content-Type":           "application/pdf",
		"Content-Disposition":    `attachment; filename="S_knad _plan_.pdf"; filename*=UTF-8''S%C3%B8knad%20%C2%ABplan%C2%BB.pdf`,
		"X-Content-Type-Options": "nosniff",
		"Accept-Ranges":          "bytes",
		"ETag":                   `"` + at.SHA256 + `"`,
	} {
		if got := dl.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if _, params, err := mime.ParseMediaType(dl.header.Get("Content-Disposition")); err != nil || params["filename"] != wantName {
		t.Errorf("Content-Disposition decodes to %q (%v), want %q", params["filename"], err, wantName)
	}

	part := e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: owner.token, header: map[string]string{"Range": "bytes=0-9"}}, http.StatusPartialContent)
	if !bytes.Equal(part.body, content[:10]) || part.header.Get("Content-Length") != "10" {
		t.Errorf("bytes 0-9: got %q (Content-Length %s), want %q", part.body, part.header.Get("Content-Length"), content[:10])
	}
	if got, want := part.header.Get("Content-Range"), fmt.Sprintf("bytes 0-9/%d", len(content)); got != want {
		t.Errorf("Content-Range = %q, want %q", got, want)
	}
	if got := part.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("a partial download has X-Content-Type-Options %q", got)
	}

	beyond := e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: owner.token,
		header: map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(content)+10)}}, http.StatusRequestedRangeNotSatisfiable)
	if errorBody(t, beyond).Code != "range_not_satisfiable" || beyond.header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(content)) {
		t.Errorf("a range beyond the end: %s with Content-Range %q", beyond, beyond.header.Get("Content-Range"))
	}
	if beyond.header.Get("Content-Disposition") != "" {
		t.Errorf("an error body is offered as the file: Content-Disposition %q", beyond.header.Get("Content-Disposition"))
	}

	cached := e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: owner.token,
		header: map[string]string{"If-None-Match": `"` + at.SHA256 + `"`}}, http.StatusNotModified)
	if len(cached.body) != 0 {
		t.Errorf("304 with a body of %d bytes", len(cached.body))
	}
}

// TestAttachmentTypes uploads one real file of every accepted type and
// files whose content is not what their name says.
func TestAttachmentTypes(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))

	for _, s := range acceptedSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			at := e.attach(t, owner, app.ID, s.name, s.content)
			if at.ContentType != s.contentType || at.Name != s.name || at.SHA256 != sha256Hex(s.content) {
				t.Errorf("stored as %q named %q with sha256 %s; want %q named %q with %s",
					at.ContentType, at.Name, at.SHA256, s.contentType, s.name, sha256Hex(s.content))
			}
			dl := e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: owner.token}, http.StatusOK)
			if !bytes.Equal(dl.body, s.content) || dl.header.Get("Content-Type") != s.contentType {
				t.Errorf("download: %d bytes of %q, want the %d bytes uploaded as %q",
					len(dl.body), dl.header.Get("Content-Type"), len(s.content), s.contentType)
			}
		})
	}
	stored := e.attachments(t, owner, app.ID)

	for _, s := range refusedSamples(t) {
		t.Run("refused "+s.name, func(t *testing.T) {
			res := e.upload(t, owner, app.ID, s.name, s.content)
			if res.status != http.StatusUnsupportedMediaType {
				t.Fatalf("got %s, want 415", res)
			}
			d := errorBody(t, res)
			if d.Code != "unsupported_type" || !strings.Contains(d.Message, "not accepted") || !strings.Contains(d.Message, "PDF") {
				t.Errorf("error %+v, want unsupported_type saying which types are accepted", d)
			}
		})
	}
	if got := e.attachments(t, owner, app.ID); len(got) != len(stored) {
		t.Errorf("%d attachments after the refusals, want the %d accepted", len(got), len(stored))
	}
	if objects, unfinished := e.stored(t, objectPrefix(app.ID)); len(objects) != len(stored) || len(unfinished) != 0 {
		t.Errorf("%d objects and unfinished uploads %v after the refusals, want the %d accepted and none", len(objects), unfinished, len(stored))
	}
}

// TestAttachmentFileNames checks what becomes of a client's file name:
// only its last path element, without control or formatting characters,
// ending as its content does.
func TestAttachmentFileNames(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	long := strings.Repeat("å", 300) + ".pdf"
	for _, c := range []struct{ sent, want string }{
		{"plan.pdf", "plan.pdf"},
		{"../../../etc/passwd.pdf", "passwd.pdf"},
		{`C:\Users\kari\Documents\plan.pdf`, "plan.pdf"},
		{`..\..\windows\system32\plan.pdf`, "plan.pdf"},
		{"plan\x00\x1b[31m\x7f.pdf", "plan[31m.pdf"},
		{"faktura\u202Efdp.exe.pdf", "fakturafdp.exe.pdf"},
		{"   ", "vedlegg.pdf"},
		{"", "vedlegg.pdf"},
		{"../..", "vedlegg.pdf"},
		{long, strings.Repeat("å", 251) + ".pdf"},
	} {
		t.Run(fmt.Sprintf("%q", c.sent), func(t *testing.T) {
			at := e.attach(t, owner, app.ID, c.sent, pdfFile())
			if at.Name != c.want {
				t.Errorf("stored name %q, want %q", at.Name, c.want)
			}
			dl := e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: owner.token}, http.StatusOK)
			if _, params, err := mime.ParseMediaType(dl.header.Get("Content-Disposition")); err != nil || params["filename"] != c.want {
				t.Errorf("Content-Disposition %q names %q (%v), want %q", dl.header.Get("Content-Disposition"), params["filename"], err, c.want)
			}
		})
	}
}

func TestContentDisposition(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"plan.pdf", `attachment; filename="plan.pdf"; filename*=UTF-8''plan.pdf`},
		{"Søknad «plan».pdf", `attachment; filename="S_knad _plan_.pdf"; filename*=UTF-8''S%C3%B8knad%20%C2%ABplan%C2%BB.pdf`},
		{`a"b\c;d%e.txt`, `attachment; filename="a_b_c_d_e.txt"; filename*=UTF-8''a%22b%5Cc%3Bd%25e.txt`},
		{"line\r\nbreak.txt", `attachment; filename="line__break.txt"; filename*=UTF-8''line%0D%0Abreak.txt`},
		{"日本.csv", `attachment; filename="__.csv"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.csv`},
	} {
		got := httpx.ContentDisposition(c.name)
		if got != c.want {
			t.Errorf("ContentDisposition(%q) = %s, want %s", c.name, got, c.want)
		}
		if _, params, err := mime.ParseMediaType(got); err != nil || params["filename"] != c.name {
			t.Errorf("ContentDisposition(%q) parses back to %q (%v)", c.name, params["filename"], err)
		}
	}
}

// TestAttachmentLimits uploads past the per-file and per-application
// limits: 413, and nothing is stored, not even an unfinished upload.
func TestAttachmentLimits(t *testing.T) {
	const mib = 1 << 20
	e := newEnvWith(t, testenv.Blobs(t), grants.Limits{FileBytes: 1 * mib, ApplicationBytes: 2 * mib})
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	text := func(n int) []byte { return bytes.Repeat([]byte("0123456789abcde\n"), n/16) }

	tooLarge := func(t *testing.T, n int) {
		t.Helper()
		before := e.attachments(t, owner, app.ID)
		res := e.upload(t, owner, app.ID, "stor.txt", text(n))
		if res.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("%d bytes: got %s, want 413", n, res)
		}
		if d := errorBody(t, res); d.Code != "too_large" || !strings.Contains(d.Message, "too large") {
			t.Errorf("error %+v, want too_large saying so", d)
		}
		if after := e.attachments(t, owner, app.ID); len(after) != len(before) {
			t.Errorf("%d attachments after a refused upload, %d before", len(after), len(before))
		}
		objects, unfinished := e.stored(t, objectPrefix(app.ID))
		if len(objects) != len(before) || len(unfinished) != 0 {
			t.Errorf("after a refused upload the bucket holds %v and unfinished uploads %v; want only the %d stored before",
				objects, unfinished, len(before))
		}
	}

	t.Run("over the file limit", func(t *testing.T) { tooLarge(t, mib+128<<10) })
	t.Run("just over the file limit", func(t *testing.T) { tooLarge(t, mib+16) })
	first := e.attach(t, owner, app.ID, "en.txt", text(mib))
	if first.Size != mib {
		t.Fatalf("a file of exactly the limit stored as %d bytes", first.Size)
	}
	e.attach(t, owner, app.ID, "to.txt", text(mib-256<<10))
	// 256 KiB are left of the application's 2 MiB.
	t.Run("over what is left of the application limit", func(t *testing.T) { tooLarge(t, 512<<10) })
	e.attach(t, owner, app.ID, "tre.txt", text(256<<10))
	t.Run("the application is full", func(t *testing.T) { tooLarge(t, 16) })

	// Deleting a file makes room again.
	e.expect(t, req{method: "DELETE", path: attachmentPath(first.ID), token: owner.token}, http.StatusNoContent)
	e.attach(t, owner, app.ID, "fire.txt", text(mib))
}

// TestAttachmentAccess checks who may see, fetch, add and remove files.
// Anyone who may not see the application gets the same 404 as for an
// attachment that does not exist.
func TestAttachmentAccess(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	content := pngFile(t)
	at := e.attach(t, owner, app.ID, "kart.png", content)

	for _, role := range []workflow.Role{workflow.CaseOfficer, workflow.DecisionMaker, workflow.Admin} {
		staff := e.user(t, role)
		t.Run(string(role), func(t *testing.T) {
			dl := e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: staff.token}, http.StatusOK)
			if !bytes.Equal(dl.body, content) {
				t.Errorf("%s downloads other bytes than uploaded", role)
			}
			if list := e.attachments(t, staff, app.ID); len(list) != 1 || list[0].ID != at.ID {
				t.Errorf("%s lists %+v", role, list)
			}
			errorBody(t, e.expect(t, uploadRequest(t, staff.token, app.ID, "x.pdf", pdfFile(), nil), http.StatusForbidden))
			errorBody(t, e.expect(t, req{method: "DELETE", path: attachmentPath(at.ID), token: staff.token}, http.StatusForbidden))
		})
	}

	missing := e.do(t, req{method: "GET", path: attachmentPath(at.ID + 1_000_000), token: owner.token})
	for _, role := range []workflow.Role{workflow.Applicant, workflow.Reviewer, workflow.FinanceAttestant, workflow.UnitLeader} {
		other := e.user(t, role)
		t.Run(string(role), func(t *testing.T) {
			dl := e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: other.token}, http.StatusNotFound)
			if !bytes.Equal(dl.body, missing.body) {
				t.Errorf("another's attachment answers %s, a missing one %s: they must not differ", dl, missing)
			}
			errorBody(t, e.expect(t, req{method: "GET", path: attachmentsPath(app.ID), token: other.token}, http.StatusNotFound))
			errorBody(t, e.expect(t, req{method: "DELETE", path: attachmentPath(at.ID), token: other.token}, http.StatusNotFound))
			errorBody(t, e.expect(t, uploadRequest(t, other.token, app.ID, "x.pdf", pdfFile(), nil), http.StatusNotFound))
		})
	}
	if list := e.attachments(t, owner, app.ID); len(list) != 1 {
		t.Errorf("after the refused requests the application has %d attachments, want 1", len(list))
	}
}

// TestAttachmentHistory checks that uploads, downloads by staff and
// deletions are written to the history, and the owner's downloads are not.
func TestAttachmentHistory(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	maker := e.user(t, workflow.DecisionMaker)
	app := e.create(t, owner, completeFields(e.call.ID))
	at := e.attach(t, owner, app.ID, "budsjett.csv", []byte("post;beløp\nInnleie;80000\n"))
	for _, u := range []user{owner, officer, owner, maker} {
		e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: u.token}, http.StatusOK)
	}
	e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: officer.token, header: map[string]string{"Range": "bytes=0-3"}}, http.StatusPartialContent)
	e.expect(t, req{method: "DELETE", path: attachmentPath(at.ID), token: owner.token}, http.StatusNoContent)

	h := e.history(t, owner, app.ID)
	want := []struct {
		event string
		actor int64
	}{
		{model.EventCreated, owner.ID},
		{model.EventAttachmentAdded, owner.ID},
		{model.EventAttachmentRead, officer.ID},
		{model.EventAttachmentRead, maker.ID},
		{model.EventAttachmentRead, officer.ID},
		{model.EventAttachmentDeleted, owner.ID},
	}
	if len(h) != len(want) {
		t.Fatalf("history %v, want %d rows", historyEvents(h), len(want))
	}
	for i, w := range want {
		row := h[i]
		if row.Event != w.event || row.ActorID == nil || *row.ActorID != w.actor || row.RequestID == "" {
			t.Errorf("history row %d: %+v, want %s by %d with a request id", i, row, w.event, w.actor)
		}
		if i > 0 && (row.Version != nil || row.Comment != at.Name || row.From != string(workflow.Draft) || row.To != string(workflow.Draft)) {
			t.Errorf("history row %d: %+v, want no version, the file's name and the state unchanged", i, row)
		}
	}
	if got := decode[model.Application](t, e.expect(t, req{method: "GET", path: fmt.Sprintf("/applications/%d", app.ID), token: owner.token}, http.StatusOK)); got.Version != app.Version {
		t.Errorf("attachments changed the application's version from %d to %d", app.Version, got.Version)
	}
}

// TestAttachmentsFollowTheLifecycle checks that files may be added and
// removed while the application is editable, and only then.
func TestAttachmentsFollowTheLifecycle(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	officer := e.user(t, workflow.CaseOfficer)
	app := e.create(t, owner, completeFields(e.call.ID))
	at := e.attach(t, owner, app.ID, "plan.pdf", pdfFile())
	e.expect(t, req{method: "POST", path: fmt.Sprintf("/applications/%d/events/submit", app.ID), token: owner.token}, http.StatusOK)

	res := e.upload(t, owner, app.ID, "sent.pdf", pdfFile())
	if res.status != http.StatusConflict || errorBody(t, res).Code != "conflict" {
		t.Errorf("upload after submit: got %s, want 409", res)
	}
	errorBody(t, e.expect(t, req{method: "DELETE", path: attachmentPath(at.ID), token: owner.token}, http.StatusConflict))
	if list := e.attachments(t, owner, app.ID); len(list) != 1 || list[0].ID != at.ID {
		t.Errorf("after the refusals: %+v, want just the file added before submitting", list)
	}
	if objects, unfinished := e.stored(t, objectPrefix(app.ID)); len(objects) != 1 || len(unfinished) != 0 {
		t.Errorf("after the refusals the bucket holds %v, unfinished %v", objects, unfinished)
	}
	e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: officer.token}, http.StatusOK)

	// Returned for changes, it is editable again.
	e.expect(t, req{method: "POST", path: fmt.Sprintf("/applications/%d/events/return", app.ID), token: officer.token,
		body: map[string]string{"comment": "Legg ved budsjettet."}}, http.StatusOK)
	e.attach(t, owner, app.ID, "budsjett.csv", []byte("post;beløp\n"))
	e.expect(t, req{method: "DELETE", path: attachmentPath(at.ID), token: owner.token}, http.StatusNoContent)
}

// TestDeleteAttachment checks that a deletion removes the row and the object.
func TestDeleteAttachment(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	keep := e.attach(t, owner, app.ID, "behold.pdf", pdfFile())
	gone := e.attach(t, owner, app.ID, "slett.txt", []byte("slett meg\n"))
	before, _ := e.stored(t, objectPrefix(app.ID))

	res := e.expect(t, req{method: "DELETE", path: attachmentPath(gone.ID), token: owner.token}, http.StatusNoContent)
	if len(res.body) != 0 {
		t.Errorf("204 with a body: %s", res)
	}
	after, unfinished := e.stored(t, objectPrefix(app.ID))
	if len(before) != 2 || len(after) != 1 || len(unfinished) != 0 {
		t.Errorf("objects before %v, after %v (unfinished %v): want one removed", before, after, unfinished)
	}
	if list := e.attachments(t, owner, app.ID); len(list) != 1 || list[0].ID != keep.ID {
		t.Errorf("after deleting: %+v, want only %d", list, keep.ID)
	}
	errorBody(t, e.expect(t, req{method: "GET", path: attachmentPath(gone.ID), token: owner.token}, http.StatusNotFound))
	errorBody(t, e.expect(t, req{method: "DELETE", path: attachmentPath(gone.ID), token: owner.token}, http.StatusNotFound))
	e.expect(t, req{method: "GET", path: attachmentPath(keep.ID), token: owner.token}, http.StatusOK)
}

// TestBadUploads sends uploads that are not what the endpoint takes.
func TestBadUploads(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	otherField, otherType := multipartFile(t, "document", "plan.pdf", pdfFile())
	small, smallType := multipartFile(t, "file", "plan.pdf", pdfFile())
	large, largeType := multipartFile(t, "file", "notat.txt", bytes.Repeat([]byte("tekst\n"), 20_000))
	for _, c := range []struct {
		name   string
		q      req
		status int
	}{
		{"JSON instead of a file", req{body: `{"file": "plan.pdf"}`}, http.StatusUnsupportedMediaType},
		{"multipart without the file field", req{body: otherField, header: map[string]string{"Content-Type": otherType}}, http.StatusBadRequest},
		{"multipart without a boundary", req{body: otherField, header: map[string]string{"Content-Type": "multipart/form-data"}}, http.StatusBadRequest},
		{"a truncated body", req{body: small[:len(small)/2], header: map[string]string{"Content-Type": smallType}}, http.StatusBadRequest},
		{"a truncated body longer than the sniffed head", req{body: large[:len(large)/2], header: map[string]string{"Content-Type": largeType}}, http.StatusBadRequest},
		{"application that does not exist", uploadRequest(t, "", app.ID+1_000_000, "plan.pdf", pdfFile(), nil), http.StatusNotFound},
		{"application id 0", uploadRequest(t, "", 0, "plan.pdf", pdfFile(), nil), http.StatusNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.method, q.token = "POST", owner.token
			if q.path == "" {
				q.path = attachmentsPath(app.ID)
			}
			errorBody(t, e.expect(t, q, c.status))
		})
	}
	errorBody(t, e.expect(t, req{method: "GET", path: "/attachments/abc", token: owner.token}, http.StatusNotFound))
	if list := e.attachments(t, owner, app.ID); len(list) != 0 {
		t.Errorf("bad uploads stored %+v", list)
	}
}

// TestIdempotentUpload retries an upload with the same Idempotency-Key:
// the first response comes back and no second file is stored.
func TestIdempotentUpload(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	q := uploadRequest(t, owner.token, app.ID, "plan.pdf", pdfFile(), withKey("upload-"+itoa(app.ID)))
	first := e.expect(t, q, http.StatusCreated)
	again := e.expect(t, q, http.StatusCreated)
	if again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(first.body, again.body) {
		t.Errorf("retry: %s (replayed %q), want the first response %s", again, again.header.Get("Idempotent-Replayed"), first)
	}
	other := uploadRequest(t, owner.token, app.ID, "annen.pdf", pdfFile(), withKey("upload-"+itoa(app.ID)))
	errorBody(t, e.expect(t, other, http.StatusUnprocessableEntity))
	if list := e.attachments(t, owner, app.ID); len(list) != 1 {
		t.Errorf("%d attachments after a retried upload, want 1", len(list))
	}
	if objects, _ := e.stored(t, objectPrefix(app.ID)); len(objects) != 1 {
		t.Errorf("%d objects after a retried upload, want 1", len(objects))
	}
}

// TestOrphanSweeper leaves an object without a row, as a server that died
// between the two would, and sweeps: young orphans may be uploads in
// flight and stay; old ones go; objects with a row, or outside the
// attachments, are never touched.
func TestOrphanSweeper(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	at := e.attach(t, owner, app.ID, "plan.pdf", pdfFile())
	ctx := context.Background()
	orphan := objectPrefix(app.ID) + "0123456789abcdef0123456789abcdef"
	letter := fmt.Sprintf("letters/%d/vedtak.pdf", app.ID)
	for _, key := range []string{orphan, letter} {
		if _, err := e.blobs.Put(ctx, key, bytes.NewReader(pdfFile()), "application/pdf", 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = e.blobs.Remove(context.Background(), letter) })

	sweep := func(now time.Time) int {
		t.Helper()
		g := grants.New(e.store, e.blobs)
		g.Now = func() time.Time { return now }
		n, err := g.SweepOrphans(ctx)
		if err != nil {
			t.Fatalf("sweep: %v", err)
		}
		return n
	}
	if n := sweep(time.Now()); n != 0 {
		t.Errorf("a sweep now removed %d objects, want 0: the orphan is young", n)
	}
	if objects, _ := e.stored(t, objectPrefix(app.ID)); len(objects) != 2 || !slices.Contains(objects, orphan) {
		t.Fatalf("after sweeping young objects: %v, want the orphan and the attachment", objects)
	}
	// Every other test leaves no orphan, so exactly this one goes.
	if n := sweep(time.Now().Add(2 * time.Hour)); n != 1 {
		t.Errorf("a sweep two hours on removed %d objects, want 1", n)
	}
	if objects, _ := e.stored(t, objectPrefix(app.ID)); len(objects) != 1 || objects[0] == orphan {
		t.Errorf("after the sweep: %v, want only the attachment's object", objects)
	}
	if _, err := e.blobs.Client().StatObject(ctx, e.blobs.Bucket(), letter, minio.StatObjectOptions{}); err != nil {
		t.Errorf("the sweep touched an object outside attachments/: %v", err)
	}
	dl := e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: owner.token}, http.StatusOK)
	if !bytes.Equal(dl.body, pdfFile()) {
		t.Errorf("the attachment's bytes changed after the sweep")
	}
}
