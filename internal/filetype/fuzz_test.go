package filetype

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"path"
	"strings"
	"testing"
)

// FuzzSniff decides on any first bytes and name: never a panic, a refusal
// is ErrRefused, and an accepted kind is the one the bytes say, whatever
// the name claims (the name only tells CSV from plain text).
func FuzzSniff(f *testing.F) {
	for _, s := range []struct{ head, name string }{
		{"%PDF-1.7\n%âãÏÓ\n", "plan.pdf"},
		{"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "kart.png"},
		{"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "foto.jpg"},
		{"PK\x03\x04\x14\x00\x06\x00", "budsjett.xlsx"},
		{"post;beløp\nInnleie;80000\n", "budsjett.CSV"},
		{"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "faktura.pdf"},     // a Windows program named .pdf
		{"\x7fELF\x02\x01\x01\x00", "program.png"},                // an ELF program named .png
		{"<!doctype html><script>alert(1)</script>", "bilde.png"}, // HTML named .png
		{"%PDF-1.4\n", "bilde.png"},                               // a PDF named .png
		{"<svg xmlns='http://www.w3.org/2000/svg' onload='x'/>", "a.svg"},
		{"ende på flerbyte: \xc3", "cut.txt"},
		{"bl\xe5b\xe6r", "latin1.txt"},
		{"\xef\xbb\xbfBOM", "bom.txt"},
		{"", ""},
	} {
		f.Add([]byte(s.head), s.name)
	}
	f.Fuzz(func(t *testing.T, head []byte, name string) {
		if len(head) > SniffLen {
			head = head[:SniffLen]
		}
		kind, err := Sniff(head, name)
		if err != nil {
			if !errors.Is(err, ErrRefused) || kind != (Kind{}) {
				t.Fatalf("Sniff(%q, %q) = %+v, %v; a refusal must be ErrRefused and no kind", head, name, kind, err)
			}
			return
		}
		var want Kind
		switch {
		case bytes.HasPrefix(head, []byte("%PDF-")):
			want = PDF
		case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
			want = PNG
		case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
			want = JPEG
		case bytes.HasPrefix(head, []byte("PK\x03\x04")):
			want = ZipDocument
		case strings.EqualFold(path.Ext(name), ".csv"):
			want = CSV
		default:
			want = Text
		}
		if kind != want {
			t.Fatalf("Sniff(%q, %q) = %s, but the content is %s", head, name, kind.MIME, want.MIME)
		}
		if kind == Text || kind == CSV {
			for _, c := range head {
				if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
					t.Fatalf("Sniff(%q) accepted text with the control byte %#x", head, c)
				}
			}
		}
		// The name never changes the kind of a binary format.
		if other, err := Sniff(head, "x.csv"); kind != Text && kind != CSV && (err != nil || other != kind) {
			t.Fatalf("Sniff(%q) is %s as %q but %s, %v as x.csv", head, kind.MIME, name, other.MIME, err)
		}
	})
}

// FuzzCheckZip opens anything that starts like a ZIP file: never a panic,
// a refusal is ErrRefused, an accepted container is an office document
// whose entries really unpack to no more than the limits allow (zip bombs,
// and headers that lie about sizes, are refused).
func FuzzCheckZip(f *testing.F) {
	for _, z := range seedZips(f) {
		f.Add(z)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		mime, err := CheckZip(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !errors.Is(err, ErrRefused) || mime != "" {
				t.Fatalf("CheckZip = %q, %v; a refusal must be ErrRefused and no type", mime, err)
			}
			return
		}
		if !openDocumentTypes[mime] && !isOfficeOpenXML(mime) {
			t.Fatalf("CheckZip accepted the type %q", mime)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("CheckZip accepted a container zip cannot open: %v", err)
		}
		if len(zr.File) > MaxZipEntries {
			t.Fatalf("CheckZip accepted %d entries", len(zr.File))
		}
		// What an office program would unpack: every entry, as far as
		// it reads, must stay within the rate CheckZip promises.
		budget := int64(min(MaxUnpackedBytes, MaxCompressionRate*uint64(len(data))))
		var unpacked int64
		for _, file := range zr.File {
			rc, err := file.Open()
			if err != nil {
				continue
			}
			n, _ := io.Copy(io.Discard, io.LimitReader(rc, budget-unpacked+1))
			rc.Close()
			unpacked += n
			if unpacked > budget {
				t.Fatalf("CheckZip accepted a %d-byte container that unpacks to more than %d bytes", len(data), budget)
			}
		}
	})
}

func isOfficeOpenXML(mime string) bool {
	for _, k := range documentKinds {
		if k.mime == mime {
			return true
		}
	}
	return false
}

// seedZips are real containers: documents of each accepted kind, a plain
// ZIP, a zip bomb, a nested one, and headers that lie about sizes.
func seedZips(tb testing.TB) [][]byte {
	build := func(entries ...zipSeed) []byte {
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		for _, e := range entries {
			if e.raw != nil {
				fw, err := w.CreateRaw(e.raw)
				if err != nil {
					tb.Fatal(err)
				}
				fw.Write([]byte(e.body))
				continue
			}
			fw, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
			if err != nil {
				tb.Fatal(err)
			}
			fw.Write([]byte(e.body))
		}
		if err := w.Close(); err != nil {
			tb.Fatal(err)
		}
		return buf.Bytes()
	}
	docx := build(zipSeed{name: "[Content_Types].xml", body: "<Types/>", method: zip.Deflate},
		zipSeed{name: "word/document.xml", body: "<w:document>Søknad</w:document>", method: zip.Deflate})
	bomb := build(zipSeed{name: "[Content_Types].xml", body: "<Types/>"},
		zipSeed{name: "xl/workbook.xml", body: "<workbook/>"},
		zipSeed{name: "xl/media/zeros.bin", body: strings.Repeat("\x00", 1<<20), method: zip.Deflate})
	zeros := make([]byte, 4<<20)
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(zeros)
	fw.Close()
	return [][]byte{
		docx,
		build(zipSeed{name: "[Content_Types].xml", body: "<Types/>"}, zipSeed{name: "xl/workbook.xml", body: "<workbook/>"}),
		build(zipSeed{name: "[Content_Types].xml", body: "<Types/>"}, zipSeed{name: "ppt/presentation.xml", body: "<p/>"}),
		build(zipSeed{name: "mimetype", body: "application/vnd.oasis.opendocument.text"}, zipSeed{name: "content.xml", body: "<x/>", method: zip.Deflate}),
		build(zipSeed{name: "readme.txt", body: "hei"}),
		bomb,
		// A document holding a zip bomb as an entry.
		build(zipSeed{name: "[Content_Types].xml", body: "<Types/>"}, zipSeed{name: "word/document.xml", body: "<w/>"},
			zipSeed{name: "word/embeddings/inner.zip", body: string(bomb), method: zip.Deflate}),
		// Headers claiming sizes whose sum wraps around 2⁶⁴, one of them
		// over 4 MiB of real zeros.
		build(zipSeed{name: "[Content_Types].xml", body: "<Types/>"}, zipSeed{name: "word/document.xml", body: "<w/>"},
			zipSeed{raw: &zip.FileHeader{Name: "zeros", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(zeros),
				CompressedSize64: uint64(deflated.Len()), UncompressedSize64: math.MaxUint64 - 1<<30}, body: deflated.String()},
			zipSeed{raw: &zip.FileHeader{Name: "wrap", Method: zip.Store, UncompressedSize64: 1 << 30}}),
		build(zipSeed{name: "[Content_Types].xml", body: "<Types/>"}, zipSeed{name: "word/document.xml", body: "<w/>"},
			zipSeed{raw: &zip.FileHeader{Name: "a", Method: zip.Store, UncompressedSize64: 1 << 63}},
			zipSeed{raw: &zip.FileHeader{Name: "b", Method: zip.Store, UncompressedSize64: 1 << 63}}),
		build(zipSeed{name: "[Content_Types].xml", body: "<Types/>"}, zipSeed{name: "word/document.xml", body: "<w/>"},
			zipSeed{raw: &zip.FileHeader{Name: "big", Method: zip.Store, UncompressedSize64: math.MaxUint64}},
			zipSeed{raw: &zip.FileHeader{Name: "one", Method: zip.Store, UncompressedSize64: 1}}),
		[]byte("PK\x03\x04 this is not really a zip file"),
	}
}

type zipSeed struct {
	name, body string
	method     uint16
	raw        *zip.FileHeader // written as is by CreateRaw, sizes and all
}
