package httpx

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

// ServeFile writes an attachment's bytes with the headers a download needs:
// its stored type, a safe Content-Disposition, no sniffing, a sandbox so
// that a file opened in the browser runs nothing, and Range support.
func ServeFile(w http.ResponseWriter, r *http.Request, at model.Attachment, content io.ReadSeeker) {
	h := w.Header()
	h.Set("Content-Type", at.ContentType)
	h.Set("Content-Disposition", ContentDisposition(at.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+at.SHA256+`"`)
	http.ServeContent(&contentErrors{ResponseWriter: w, r: r}, r, "", at.CreatedAt, content)
}

// contentErrors renders the errors http.ServeContent answers by itself (a
// range outside the file, a failed If-Match) in the error body rather than
// as plain text, and does not offer them for saving as the file.
type contentErrors struct {
	http.ResponseWriter
	r      *http.Request
	failed bool
}

// servedErrors are the codes and messages of the errors ServeContent answers.
var servedErrors = map[int]struct {
	code string
	msg  i18n.Text
}{
	http.StatusRequestedRangeNotSatisfiable: {"range_not_satisfiable",
		i18n.T("Den etterspurte delen (Range) ligger utenfor filen.", "The requested range lies outside the file.")},
	http.StatusPreconditionFailed: {"precondition_failed",
		i18n.T("Filen samsvarer ikke med If-Match.", "The file does not match If-Match.")},
}

func (c *contentErrors) WriteHeader(code int) {
	if code < 400 || c.failed {
		c.ResponseWriter.WriteHeader(code)
		return
	}
	c.failed = true
	c.Header().Del("Content-Disposition")
	e, known := servedErrors[code]
	if !known {
		WriteError(c.ResponseWriter, c.r, apperr.New(apperr.Internal, i18n.T(
			"Filen kunne ikke leses fra fillageret.", "The file could not be read from file storage.")))
		return
	}
	WriteJSON(c.ResponseWriter, code, ErrorBody{Error: ErrorDetail{Code: e.code, Message: e.msg.In(Lang(c.r))}})
}

// Write drops ServeContent's plain-text message after an error body.
func (c *contentErrors) Write(b []byte) (int, error) {
	if c.failed {
		return len(b), nil
	}
	return c.ResponseWriter.Write(b)
}

// ContentDisposition builds an RFC 6266 attachment header: an ASCII
// fallback name and the exact UTF-8 name percent-encoded (RFC 8187).
func ContentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(r)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii.String(), encodeExtValue(name))
}

// encodeExtValue percent-encodes every byte outside RFC 8187's attr-char.
func encodeExtValue(s string) string {
	const attrChar = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte(attrChar, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
