// Package filetype owns the decision which files Nyttig accepts: it tells a
// file's type from its content, never its name, against an allowlist (PDF,
// PNG, JPEG, Office Open XML, OpenDocument, plain text and CSV), and checks
// that a ZIP-based document really is one and is no zip bomb.
package filetype

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// SniffLen is how many leading bytes Sniff needs to decide.
const SniffLen = 4096

// Kind is an accepted kind of file.
type Kind struct {
	MIME string
	// Zip is true for formats that are ZIP containers and must pass CheckZip.
	Zip bool
}

// Accepted types.
var (
	PDF  = Kind{MIME: "application/pdf"}
	PNG  = Kind{MIME: "image/png"}
	JPEG = Kind{MIME: "image/jpeg"}
	Text = Kind{MIME: "text/plain; charset=utf-8"}
	CSV  = Kind{MIME: "text/csv; charset=utf-8"}
	// ZipDocument is an Office Open XML or OpenDocument file whose exact
	// type CheckZip settles.
	ZipDocument = Kind{MIME: "application/zip", Zip: true}
)

// ErrRefused is returned for a file whose content is not on the allowlist.
var ErrRefused = errors.New("filetype: content type not accepted")

// Sniff decides from the first bytes of a file (at most SniffLen; fewer
// when the file is shorter) and its name (used only to tell CSV from plain
// text, which have the same content) which accepted kind it is.
func Sniff(head []byte, name string) (Kind, error) {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return PDF, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return JPEG, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return ZipDocument, nil
	case looksLikeText(head):
		if strings.EqualFold(path.Ext(name), ".csv") {
			return CSV, nil
		}
		return Text, nil
	}
	return Kind{}, ErrRefused
}

// looksLikeText accepts UTF-8 without NUL or other control characters than
// tab, newline, carriage return and form feed. A multi-byte character cut
// at the end of the sniffed prefix is allowed.
func looksLikeText(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	for i := 0; i < len(head); {
		r, size := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && size <= 1 {
			return len(head)-i < utf8.UTFMax && !utf8.FullRune(head[i:])
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			return false
		}
		i += size
	}
	return true
}

// Limits for ZIP containers: an honest office document expands to a few
// times its size, a zip bomb to thousands.
const (
	MaxZipEntries      = 10000
	MaxUnpackedBytes   = 512 << 20
	MaxCompressionRate = 200
)

// Limits for ZIP containers inside a document (an embedded spreadsheet,
// or a zip of zips): how deep they are looked into, and the largest one
// read to do so.
const (
	MaxZipNesting   = 3
	MaxNestedZipLen = 16 << 20
)

// unpackedSize is what zr's entries claim to unpack to, with the entries
// of the ZIP containers among them, added to unpacked (what was counted
// before) and refused beyond MaxUnpackedBytes: a zip of zips is small at
// every level and huge in all.
func unpackedSize(zr *zip.Reader, unpacked uint64, depth int) (uint64, error) {
	for _, f := range zr.File {
		// Compared before adding: claimed sizes near 2⁶⁴ would wrap the sum.
		if f.UncompressedSize64 > MaxUnpackedBytes-unpacked {
			return 0, fmt.Errorf("%w: the ZIP container unpacks to more than %d bytes", ErrRefused, uint64(MaxUnpackedBytes))
		}
		unpacked += f.UncompressedSize64
		inner, err := nestedZip(f)
		if err != nil {
			return 0, err
		}
		if inner == nil {
			continue
		}
		if depth+1 >= MaxZipNesting {
			return 0, fmt.Errorf("%w: ZIP containers nested more than %d deep", ErrRefused, MaxZipNesting)
		}
		if unpacked, err = unpackedSize(inner, unpacked, depth+1); err != nil {
			return 0, err
		}
	}
	return unpacked, nil
}

// nestedZip opens f as a ZIP container when it is one, else returns nil.
// An entry that cannot be read is not one; a container too large to look
// into is refused.
func nestedZip(f *zip.File) (*zip.Reader, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil
	}
	defer rc.Close()
	br := bufio.NewReader(rc)
	if head, _ := br.Peek(4); string(head) != "PK\x03\x04" {
		return nil, nil
	}
	if f.UncompressedSize64 > MaxNestedZipLen {
		return nil, fmt.Errorf("%w: a ZIP container of %d bytes inside the document", ErrRefused, f.UncompressedSize64)
	}
	b, err := io.ReadAll(io.LimitReader(br, MaxNestedZipLen+1))
	if err != nil || len(b) > MaxNestedZipLen {
		return nil, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, nil
	}
	return zr, nil
}

// documentKinds maps a required part of a ZIP container to its type.
var documentKinds = []struct {
	part string
	mime string
}{
	{"word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
}

var openDocumentTypes = map[string]bool{
	"application/vnd.oasis.opendocument.text":         true,
	"application/vnd.oasis.opendocument.spreadsheet":  true,
	"application/vnd.oasis.opendocument.presentation": true,
}

// CheckZip opens a stored ZIP container and returns its document type: an
// Office Open XML file needs [Content_Types].xml and its main part, an
// OpenDocument file a "mimetype" entry naming an accepted type. It refuses
// containers that would unpack beyond the limits.
func CheckZip(r io.ReaderAt, size int64) (string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", fmt.Errorf("%w: not a readable ZIP container", ErrRefused)
	}
	if len(zr.File) > MaxZipEntries {
		return "", fmt.Errorf("%w: too many entries in the ZIP container", ErrRefused)
	}
	unpacked, err := unpackedSize(zr, 0, 0)
	if err != nil {
		return "", err
	}
	names := map[string]*zip.File{}
	for _, f := range zr.File {
		names[f.Name] = f
	}
	if size > 0 && unpacked/uint64(size) > MaxCompressionRate {
		return "", fmt.Errorf("%w: the ZIP container unpacks to %d bytes", ErrRefused, unpacked)
	}
	if m, ok := names["mimetype"]; ok && m.UncompressedSize64 < 200 {
		rc, err := m.Open()
		if err != nil {
			return "", fmt.Errorf("%w: unreadable mimetype entry", ErrRefused)
		}
		b, err := io.ReadAll(io.LimitReader(rc, 200))
		rc.Close()
		if err == nil && openDocumentTypes[string(b)] {
			return string(b), nil
		}
	}
	if _, ok := names["[Content_Types].xml"]; ok {
		for _, k := range documentKinds {
			if _, ok := names[k.part]; ok {
				return k.mime, nil
			}
		}
	}
	return "", fmt.Errorf("%w: a ZIP file that is not an office document", ErrRefused)
}

// endings are the file name endings of each stored type; the first is the
// one NameFor adds.
var endings = map[string][]string{
	PDF.MIME:  {".pdf"},
	PNG.MIME:  {".png"},
	JPEG.MIME: {".jpg", ".jpeg", ".jpe", ".jfif"},
	Text.MIME: {".txt", ".text", ".log"},
	CSV.MIME:  {".csv"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {".docx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {".xlsx"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
	"application/vnd.oasis.opendocument.text":                                   {".odt"},
	"application/vnd.oasis.opendocument.spreadsheet":                            {".ods"},
	"application/vnd.oasis.opendocument.presentation":                           {".odp"},
}

// MaxNameLen is the most characters a stored file name has.
const MaxNameLen = 255

// NameFor returns a file name of at most MaxNameLen characters whose
// ending says what the content is: name when it ends so already, else name
// with the type's ending added ("skript.bat" holding text becomes
// "skript.bat.txt"). A download saved to disk then opens as what it is, and
// a script, page or program in disguise is never run as one.
func NameFor(name, mime string) string {
	ends := endings[mime]
	if len(ends) == 0 || slices.Contains(ends, strings.ToLower(path.Ext(name))) {
		return name
	}
	end := ends[0]
	if runes := []rune(name); len(runes)+len(end) > MaxNameLen {
		name = string(runes[:MaxNameLen-len(end)])
	}
	return name + end
}
