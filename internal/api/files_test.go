package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"nyttig/internal/loadgen"
	"nyttig/internal/model"
)

// Files made here, so that every accepted type is a real file of its kind.

// pdfFile is a minimal valid PDF: one A4 page with an empty content
// stream and a correct cross-reference table (the load generator's).
func pdfFile() []byte { return loadgen.PDF(0) }

func picture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		for y := range 24 {
			img.Set(x, y, color.RGBA{R: uint8(8 * x), G: uint8(10 * y), B: 128, A: 255})
		}
	}
	return img
}

func pngFile(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, picture()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegFile(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type zipEntry struct {
	name, body string
	method     uint16
}

// zipFile is a ZIP container of entries, in order.
func zipFile(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, e := range entries {
		f, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// officeFile is an Office Open XML package: [Content_Types].xml, the
// package relationships and the main part.
func officeFile(t testing.TB, mainPart, mainType string) []byte {
	t.Helper()
	types := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/` + mainPart + `" ContentType="` + mainType + `"/></Types>`
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + mainPart + `"/></Relationships>`
	return zipFile(t,
		zipEntry{name: "[Content_Types].xml", body: types, method: zip.Deflate},
		zipEntry{name: "_rels/.rels", body: rels, method: zip.Deflate},
		zipEntry{name: mainPart, body: `<?xml version="1.0" encoding="UTF-8"?><root>Søknad om midler</root>`, method: zip.Deflate})
}

// odfFile is an OpenDocument package: the "mimetype" entry first and
// uncompressed, as the standard requires.
func odfFile(t testing.TB, mimeType string) []byte {
	t.Helper()
	manifest := `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">` +
		`<manifest:file-entry manifest:full-path="/" manifest:media-type="` + mimeType + `"/></manifest:manifest>`
	return zipFile(t,
		zipEntry{name: "mimetype", body: mimeType, method: zip.Store},
		zipEntry{name: "content.xml", body: `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`, method: zip.Deflate},
		zipEntry{name: "META-INF/manifest.xml", body: manifest, method: zip.Deflate})
}

// zipBomb is a spreadsheet in form whose one extra entry unpacks to 64 MiB
// from about 64 KiB.
func zipBomb(t testing.TB) []byte {
	t.Helper()
	return zipFile(t,
		zipEntry{name: "[Content_Types].xml", body: "<Types/>", method: zip.Deflate},
		zipEntry{name: "xl/workbook.xml", body: "<workbook/>", method: zip.Deflate},
		zipEntry{name: "xl/media/zeros.bin", body: strings.Repeat("\x00", 64<<20), method: zip.Deflate})
}

// executable is the start of an ELF or PE program, padded with NUL bytes.
func executable(magic string) []byte {
	return append([]byte(magic), make([]byte, 1024)...)
}

const (
	docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	pptxType = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	odtType  = "application/vnd.oasis.opendocument.text"
	odsType  = "application/vnd.oasis.opendocument.spreadsheet"
)

// sample is a file to upload and the type the server must store it as;
// "" when it must be refused.
type sample struct {
	name        string
	content     []byte
	contentType string
}

func acceptedSamples(t testing.TB) []sample {
	return []sample{
		{"søknad.pdf", pdfFile(), "application/pdf"},
		{"kart.png", pngFile(t), "image/png"},
		{"foto.jpg", jpegFile(t), "image/jpeg"},
		{"prosjektplan.docx", officeFile(t, "word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"), docxType},
		{"budsjett.xlsx", officeFile(t, "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"), xlsxType},
		{"presentasjon.pptx", officeFile(t, "ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"), pptxType},
		{"notat.odt", odfFile(t, odtType), odtType},
		{"tall.ods", odfFile(t, odsType), odsType},
		{"notat.txt", []byte("Søknad om midler til digital innbyggerdialog.\r\nAndre linje: æøå ÆØÅ.\n"), "text/plain; charset=utf-8"},
		{"budsjett.csv", []byte("post;beløp\nInnleie;80000\nEgeninnsats;20000\n"), "text/csv; charset=utf-8"},
	}
}

func refusedSamples(t testing.TB) []sample {
	return []sample{
		{"program.pdf", executable("\x7fELF\x02\x01\x01\x00"), ""},
		{"faktura.pdf", executable("MZ\x90\x00\x03\x00\x00\x00"), ""},
		{"rapport.docx", zipFile(t, zipEntry{name: "readme.txt", body: "not a document", method: zip.Deflate}), ""},
		{"budsjett.xlsx", zipBomb(t), ""},
		{"tom.txt", nil, ""},
		{"latin1.txt", []byte("bl\xe5b\xe6rsyltet\xf8y"), ""},
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// multipartFile is a multipart/form-data body carrying content as name in
// the field "file", and its Content-Type. A name with control characters
// goes as RFC 5987 filename*, the one way a client can send them.
func multipartFile(t testing.TB, field, name string, content []byte) (body, contentType string) {
	t.Helper()
	var b strings.Builder
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; %s`, field, filenameParam(name)))
	h.Set("Content-Type", "application/octet-stream")
	p, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), w.FormDataContentType()
}

func filenameParam(name string) string {
	if !strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return `filename="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	var enc strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("-._~", c) >= 0 {
			enc.WriteByte(c)
		} else {
			fmt.Fprintf(&enc, "%%%02X", c)
		}
	}
	return "filename*=UTF-8''" + enc.String()
}

func attachmentsPath(appID int64) string { return fmt.Sprintf("/applications/%d/attachments", appID) }

func attachmentPath(id int64) string { return fmt.Sprintf("/attachments/%d", id) }

// uploadRequest is the request that uploads content as name to application
// appID; header adds headers.
func uploadRequest(t testing.TB, token string, appID int64, name string, content []byte, header map[string]string) req {
	t.Helper()
	body, ct := multipartFile(t, "file", name, content)
	h := map[string]string{"Content-Type": ct}
	for k, v := range header {
		h[k] = v
	}
	return req{method: "POST", path: attachmentsPath(appID), token: token, body: body, header: h}
}

// upload sends content as name to application appID as u.
func (e *env) upload(t testing.TB, u user, appID int64, name string, content []byte) response {
	t.Helper()
	return e.do(t, uploadRequest(t, u.token, appID, name, content, map[string]string{"Accept-Language": "en"}))
}

// attach uploads content and fails the test unless it is stored.
func (e *env) attach(t testing.TB, u user, appID int64, name string, content []byte) model.Attachment {
	t.Helper()
	res := e.upload(t, u, appID, name, content)
	if res.status != http.StatusCreated {
		t.Fatalf("upload %q: got %s, want 201", name, res)
	}
	return decode[model.Attachment](t, res)
}

func (e *env) attachments(t testing.TB, u user, appID int64) []model.Attachment {
	t.Helper()
	res := e.expect(t, req{method: "GET", path: attachmentsPath(appID), token: u.token}, http.StatusOK)
	return decode[struct{ Items []model.Attachment }](t, res).Items
}

// stored lists the object keys under prefix in e's bucket, and the keys of
// multipart uploads begun there and never finished; both must be empty
// where nothing was stored.
func (e *env) stored(t testing.TB, prefix string) (objects, unfinished []string) {
	t.Helper()
	ctx := context.Background()
	c := e.blobs.Client()
	for o := range c.ListObjects(ctx, e.blobs.Bucket(), minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatalf("list objects: %v", o.Err)
		}
		objects = append(objects, o.Key)
	}
	for u := range c.ListIncompleteUploads(ctx, e.blobs.Bucket(), prefix, true) {
		if u.Err != nil {
			t.Fatalf("list incomplete uploads: %v", u.Err)
		}
		unfinished = append(unfinished, u.Key)
	}
	return objects, unfinished
}

// objectPrefix is where the objects of application appID live.
func objectPrefix(appID int64) string { return fmt.Sprintf("attachments/%d/", appID) }
