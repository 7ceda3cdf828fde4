package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

// multipartOverhead is room for the multipart framing around the file.
const multipartOverhead = 64 << 10

var msgNoFilePart = i18n.T("Send filen som multipart/form-data i feltet «file».", "Send the file as multipart/form-data in the field “file”.")

// uploadAttachment streams the "file" part of a multipart body to object
// storage without holding the file in memory or on disk.
func (a *api) uploadAttachment(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, a.grants.Limits.FileBytes+multipartOverhead)
	part, err := filePart(r)
	if err != nil {
		return err
	}
	defer part.Close()
	at, err := a.grants.AddAttachment(r.Context(), u, id, part.FileName(), part, httpx.RequestID(r.Context()))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.New(apperr.TooLarge, i18n.Tf("Filen er for stor (høyst %d MiB).", "The file is too large (at most %d MiB).", a.grants.Limits.FileBytes>>20))
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/attachments/"+strconv.FormatInt(at.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, at)
	return nil
}

// filePart finds the part named "file" in a multipart/form-data body.
func filePart(r *http.Request) (*multipart.Part, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, apperr.New(apperr.Unsupported, msgNoFilePart)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, apperr.New(apperr.BadRequest, msgNoFilePart)
	}
	for {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, apperr.New(apperr.TooLarge, i18n.T("Forespørselen er for stor.", "The request is too large."))
		case errors.Is(err, io.EOF):
			return nil, apperr.New(apperr.BadRequest, msgNoFilePart)
		case err != nil:
			return nil, apperr.Wrap(apperr.BadRequest, msgNoFilePart, err)
		}
		if part.FormName() == "file" {
			return part, nil
		}
		part.Close()
	}
}

func (a *api) listAttachments(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	list, err := a.grants.Attachments(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

// downloadAttachment streams a file back with its stored type, a safe
// Content-Disposition, and Range support.
func (a *api) downloadAttachment(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	at, obj, err := a.grants.OpenAttachment(r.Context(), u, id, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	defer obj.Close()
	ServeFile(w, r, at, obj)
	return nil
}

// ServeFile writes an attachment's bytes with the headers a download needs.
func ServeFile(w http.ResponseWriter, r *http.Request, at model.Attachment, content io.ReadSeeker) {
	h := w.Header()
	h.Set("Content-Type", at.ContentType)
	h.Set("Content-Disposition", ContentDisposition(at.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+at.SHA256+`"`)
	http.ServeContent(w, r, "", at.CreatedAt, content)
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

func (a *api) deleteAttachment(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if err := a.grants.DeleteAttachment(r.Context(), u, id, httpx.RequestID(r.Context())); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
