package filetype

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name string
		head string
		want Kind
		err  bool
	}{
		{"plan.pdf", "%PDF-1.7\n...", PDF, false},
		{"bilde.png", "\x89PNG\r\n\x1a\n\x00\x00", PNG, false},
		{"foto.jpg", "\xff\xd8\xff\xe0\x00\x10JFIF", JPEG, false},
		{"budsjett.xlsx", "PK\x03\x04\x14\x00", ZipDocument, false},
		{"notat.txt", "Hei på deg, æøå č đ ŋ ŧ\r\n", Text, false},
		{"tall.CSV", "a;b;c\n1;2;3\n", CSV, false},
		{"program.pdf", "MZ\x90\x00\x03\x00\x00\x00", Kind{}, true},            // a Windows executable named .pdf
		{"program.pdf", "\x7fELF\x02\x01\x01\x00", Kind{}, true},               // an ELF binary
		{"binær.txt", "tekst\x00med null", Kind{}, true},                       // NUL byte
		{"latin1.txt", "bl\xe5b\xe6r", Kind{}, true},                           // not UTF-8
		{"script.txt", "\x1b[31mterminal escape", Kind{}, true},                // control character
		{"tom.txt", "", Kind{}, true},                                          // empty
		{"cut.txt", "ende på flerbyte: \xc3", Text, false},                     // multibyte cut at the sniff boundary
		{"page.html", "<!doctype html><script>alert(1)</script>", Text, false}, // text is text; served as text/plain
	} {
		got, err := Sniff([]byte(tc.head), tc.name)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%s %q: got %+v, %v", tc.name, tc.head, got, err)
		}
		if tc.err && !errors.Is(err, ErrRefused) {
			t.Errorf("%s: error %v is not ErrRefused", tc.name, err)
		}
	}
}

func zipOf(t *testing.T, files map[string]string, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, body := range files {
		f, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(body))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckZip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"docx", map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"xlsx", map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"pptx", map[string]string{"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"}, "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
		{"odt", map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}, "application/vnd.oasis.opendocument.text"},
		{"ods", map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}, "application/vnd.oasis.opendocument.spreadsheet"},
		{"plain zip", map[string]string{"readme.txt": "hei"}, ""},
		{"docx without its main part", map[string]string{"[Content_Types].xml": "<Types/>"}, ""},
		{"odf with a foreign mimetype", map[string]string{"mimetype": "application/x-msdownload"}, ""},
	} {
		b := zipOf(t, tc.files, zip.Store)
		got, err := CheckZip(bytes.NewReader(b), int64(len(b)))
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestCheckZipRefusesBombsAndGarbage(t *testing.T) {
	bomb := zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": strings.Repeat("0", 50<<20)}, zip.Deflate)
	if _, err := CheckZip(bytes.NewReader(bomb), int64(len(bomb))); !errors.Is(err, ErrRefused) {
		t.Errorf("a %d-byte file unpacking to 50 MiB was accepted: %v", len(bomb), err)
	}
	garbage := []byte("PK\x03\x04 this is not really a zip file")
	if _, err := CheckZip(bytes.NewReader(garbage), int64(len(garbage))); !errors.Is(err, ErrRefused) {
		t.Errorf("garbage accepted: %v", err)
	}
}

func TestNameFor(t *testing.T) {
	const docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	long := strings.Repeat("x", 253)
	for _, c := range []struct{ name, mime, want string }{
		{"plan.pdf", PDF.MIME, "plan.pdf"},
		{"PLAN.PDF", PDF.MIME, "PLAN.PDF"},
		{"foto.JPEG", JPEG.MIME, "foto.JPEG"},
		{"vedlegg", PDF.MIME, "vedlegg.pdf"},
		{"bilde.png", Text.MIME, "bilde.png.txt"},        // HTML named .png
		{"side.html", Text.MIME, "side.html.txt"},        // a page that would run when opened from disk
		{"skript.bat", Text.MIME, "skript.bat.txt"},      // a script
		{"bilde.png", PDF.MIME, "bilde.png.pdf"},         // a PDF named as a picture
		{"faktura.exe.pdf", PDF.MIME, "faktura.exe.pdf"}, // the ending is the content's
		{"makro.docm", docx, "makro.docm.docx"},
		{"tall.csv", CSV.MIME, "tall.csv"},
		{long + ".sh", Text.MIME, long[:251] + ".txt"}, // kept within 255 characters
		{"ukjent", "application/x-unknown", "ukjent"},
	} {
		if got := NameFor(c.name, c.mime); got != c.want {
			t.Errorf("NameFor(%q, %q) = %q, want %q", c.name, c.mime, got, c.want)
		}
	}
}

// TestCheckZipLooksIntoNestedContainers: an embedded spreadsheet is a
// document's business, but a zip of zips counts all it unpacks to.
func TestCheckZipLooksIntoNestedContainers(t *testing.T) {
	xlsx := zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}, zip.Deflate)
	embedded := zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>",
		"word/embeddings/Microsoft_Excel_Worksheet.xlsx": string(xlsx)}, zip.Store)
	if got, err := CheckZip(bytes.NewReader(embedded), int64(len(embedded))); err != nil || !strings.Contains(got, "wordprocessingml") {
		t.Errorf("a document with an embedded spreadsheet: %q, %v", got, err)
	}

	inner := []byte(strings.Repeat("\x00", 8<<20))
	for range 2 {
		layer := map[string]string{}
		for i := range 8 {
			layer[fmt.Sprintf("lag%d.zip", i)] = string(inner)
		}
		inner = zipOf(t, layer, zip.Deflate)
	}
	nested := zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>",
		"word/embeddings/pakke.zip": string(inner)}, zip.Deflate)
	if got, err := CheckZip(bytes.NewReader(nested), int64(len(nested))); !errors.Is(err, ErrRefused) {
		t.Errorf("a %d-byte document holding a zip of zips that unpacks to 512 MiB: %q, %v", len(nested), got, err)
	}

	deep := zipOf(t, map[string]string{"a.txt": "x"}, zip.Store)
	for range MaxZipNesting + 1 {
		deep = zipOf(t, map[string]string{"inner.zip": string(deep)}, zip.Store)
	}
	deep = zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>", "x.zip": string(deep)}, zip.Store)
	if got, err := CheckZip(bytes.NewReader(deep), int64(len(deep))); !errors.Is(err, ErrRefused) {
		t.Errorf("ZIP containers nested %d deep: %q, %v", MaxZipNesting+2, got, err)
	}
}
