package api_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"unicode/utf8"

	"nyttig/internal/model"
	"nyttig/workflow"
)

// spoofedUpload is a multipart body whose file part claims declared as its
// Content-Type, as a client may say anything.
func spoofedUpload(t *testing.T, token string, appID int64, name, declared string, content []byte) req {
	t.Helper()
	var b strings.Builder
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; `+filenameParam(name))
	h.Set("Content-Type", declared)
	p, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	p.Write(content)
	w.Close()
	return req{method: "POST", path: attachmentsPath(appID), token: token, body: b.String(),
		header: map[string]string{"Content-Type": w.FormDataContentType(), "Accept-Language": "en"}}
}

// zeros is n NUL bytes: deflated, a few bytes per kilobyte.
func zeros(n int) string { return strings.Repeat("\x00", n) }

// TestUploadAttacks sends files that lie about what they are, zip bombs in
// office documents and names built to break paths and headers. Each is
// refused with a JSON error and nothing kept, or stored under a clean name
// ending as its content does; a download of a stored one has one safe
// Content-Disposition, its sniffed type and no way to run in the browser.
func TestUploadAttacks(t *testing.T) {
	e := newEnv(t)
	owner := e.user(t, workflow.Applicant)
	app := e.create(t, owner, completeFields(e.call.ID))
	const html = `<!doctype html><html><body><script>fetch("/api/v1/applications")</script></body></html>`
	svg := `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`
	docxParts := []zipEntry{
		{name: "[Content_Types].xml", body: "<Types/>", method: zip.Deflate},
		{name: "word/document.xml", body: "<w:document/>", method: zip.Deflate},
	}
	bomb := func(base []zipEntry, extra ...zipEntry) []byte {
		return zipFile(t, append(append([]zipEntry{}, base...), extra...)...)
	}
	// A zip of zips: each layer a ZIP holding ten copies of the one below.
	nested := []byte(zeros(16 << 20))
	for range 2 {
		var entries []zipEntry
		for i := range 10 {
			entries = append(entries, zipEntry{name: fmt.Sprintf("lag%d.zip", i), body: string(nested), method: zip.Deflate})
		}
		nested = zipFile(t, entries...)
	}
	longName := strings.Repeat("x", 9996) + ".pdf"

	refused := []struct {
		name, declared string
		content        []byte
	}{
		{"faktura.pdf", "application/pdf", executable("MZ\x90\x00\x03\x00\x00\x00")},
		{"bilde.png", "image/png", executable("\x7fELF\x02\x01\x01\x00")},
		{"kart.jpg", "image/jpeg", append([]byte("GIF89a"), make([]byte, 64)...)},
		{"rapport.docx", docxType, bomb(docxParts, zipEntry{name: "word/media/zeros.bin", body: zeros(64 << 20), method: zip.Deflate})},
		{"budsjett.xlsx", xlsxType, bomb([]zipEntry{{name: "[Content_Types].xml", body: "<Types/>"}, {name: "xl/workbook.xml", body: "<workbook/>"}},
			zipEntry{name: "xl/worksheets/sheet1.xml", body: "<sheetData>" + strings.Repeat("<row/>", 8<<20) + "</sheetData>", method: zip.Deflate})},
		{"notat.odt", odtType, bomb([]zipEntry{{name: "mimetype", body: odtType}},
			zipEntry{name: "content.xml", body: "<office:document-content>" + strings.Repeat(" ", 64<<20), method: zip.Deflate})},
		{"innebygd.docx", docxType, bomb(docxParts, zipEntry{name: "word/embeddings/pakke.zip", body: string(nested), method: zip.Deflate})},
		{"tom.pdf", "application/pdf", nil},
	}
	for _, c := range refused {
		t.Run(fmt.Sprintf("refused %s", c.name), func(t *testing.T) {
			res := e.do(t, spoofedUpload(t, owner.token, app.ID, c.name, c.declared, c.content))
			if res.status != http.StatusUnsupportedMediaType {
				t.Fatalf("%d bytes declared %s: got %s, want 415", len(c.content), c.declared, res)
			}
			if d := errorBody(t, res); d.Code != "unsupported_type" || !strings.Contains(d.Message, "not accepted") {
				t.Errorf("error %+v, want unsupported_type saying the type is not accepted", d)
			}
		})
	}
	if list := e.attachments(t, owner, app.ID); len(list) != 0 {
		t.Fatalf("refused uploads are listed: %+v", list)
	}
	if objects, unfinished := e.stored(t, objectPrefix(app.ID)); len(objects) != 0 || len(unfinished) != 0 {
		t.Fatalf("refused uploads left the objects %v and unfinished uploads %v", objects, unfinished)
	}

	stored := []struct {
		name, declared     string
		content            []byte
		wantName, wantType string
	}{
		{"bilde.png", "image/png", []byte(html), "bilde.png.txt", "text/plain; charset=utf-8"},
		{"side.html", "text/html", []byte(html), "side.html.txt", "text/plain; charset=utf-8"},
		{"logo.svg", "image/svg+xml", []byte(svg), "logo.svg.txt", "text/plain; charset=utf-8"},
		{"oppstart.bat", "application/x-bat", []byte("format c: /q\r\n"), "oppstart.bat.txt", "text/plain; charset=utf-8"},
		{"kart.png", "image/png", pdfFile(), "kart.png.pdf", "application/pdf"},
		{"plan.pdf", "image/png", pdfFile(), "plan.pdf", "application/pdf"},
		{"foto.jpg", "application/pdf", jpegFile(t), "foto.jpg", "image/jpeg"},
		{"makro.docm", "application/vnd.ms-word.document.macroEnabled.12", officeFile(t, "word/document.xml", "x"), "makro.docm.docx", docxType},
		{longName, "application/pdf", pdfFile(), strings.Repeat("x", 251) + ".pdf", "application/pdf"},
		{"../../../etc/passwd", "text/plain", []byte("root:x:0:0\n"), "passwd.txt", "text/plain; charset=utf-8"},
		{`..\..\..\Windows\win.ini`, "text/plain", []byte("[fonts]\n"), "win.ini.txt", "text/plain; charset=utf-8"},
		{"plan\x00.pdf", "application/pdf", pdfFile(), "plan.pdf", "application/pdf"},
		{"pl\x01an\x1b[2J\x7f\r\n.pdf", "application/pdf", pdfFile(), "plan[2J.pdf", "application/pdf"},
		{"faktura\u202Efdp.exe", "application/pdf", pdfFile(), "fakturafdp.exe.pdf", "application/pdf"},
		{"rapport\u202Ecod.exe", "application/pdf", pdfFile(), "rapportcod.exe.pdf", "application/pdf"},
		{"\"; filename=evil.exe; x=\".pdf", "application/pdf", pdfFile(), "\"; filename=evil.exe; x=\".pdf", "application/pdf"},
	}
	var kept []model.Attachment
	for _, c := range stored {
		t.Run(fmt.Sprintf("stored %.40q", c.name), func(t *testing.T) {
			res := e.do(t, spoofedUpload(t, owner.token, app.ID, c.name, c.declared, c.content))
			if res.status != http.StatusCreated {
				t.Fatalf("got %s, want 201", res)
			}
			at := decode[model.Attachment](t, res)
			kept = append(kept, at)
			if at.Name != c.wantName || at.ContentType != c.wantType {
				t.Errorf("stored as %q (%d characters) of type %q; want %q of type %q",
					at.Name, utf8.RuneCountInString(at.Name), at.ContentType, c.wantName, c.wantType)
			}
			dl := e.expect(t, req{method: "GET", path: attachmentPath(at.ID), token: owner.token}, http.StatusOK)
			if !bytes.Equal(dl.body, c.content) {
				t.Errorf("download: %d bytes, want the %d uploaded", len(dl.body), len(c.content))
			}
			cd := dl.header.Values("Content-Disposition")
			if len(cd) != 1 || strings.ContainsFunc(cd[0], func(r rune) bool { return r < 0x20 || r >= 0x7f }) {
				t.Fatalf("Content-Disposition %q", cd)
			}
			typ, params, err := mime.ParseMediaType(cd[0])
			if err != nil || typ != "attachment" || params["filename"] != c.wantName {
				t.Errorf("Content-Disposition %q is %q naming %q (%v), want an attachment named %q", cd[0], typ, params["filename"], err, c.wantName)
			}
			for header, want := range map[string]string{"Content-Type": c.wantType, "X-Content-Type-Options": "nosniff",
				"Content-Security-Policy": "default-src 'none'; sandbox"} {
				if got := dl.header.Get(header); got != want {
					t.Errorf("%s: %q, want %q", header, got, want)
				}
			}
		})
	}
	if objects, unfinished := e.stored(t, objectPrefix(app.ID)); len(objects) != len(kept) || len(unfinished) != 0 {
		t.Errorf("%d objects and unfinished uploads %v, want the %d stored and none", len(objects), unfinished, len(kept))
	}
}
