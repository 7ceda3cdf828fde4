package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// attachmentsView is the attachments section of the detail page.
type attachmentsView struct {
	Rows []attachmentRow
	// CanChange: the project lead may add and delete files now; Locked:
	// they could before the application was submitted.
	CanChange, Locked bool
	Action            string
	MaxBytes          int64
	Hint, TooLarge    string
	Error             string
}

type attachmentRow struct {
	Href, Name, Type, Size, Uploader, Uploaded, DeleteAction string
}

func attachmentPath(id int64) string { return "/attachments/" + strconv.FormatInt(id, 10) }

func (s *site) attachmentsView(ctx context.Context, u model.User, app model.Application, lang i18n.Lang) (attachmentsView, error) {
	mine := app.ApplicantID == u.ID
	v := attachmentsView{CanChange: mine && app.Editable(), Locked: mine && !app.Editable(),
		Action: appPath(app.ID) + "/attachments", MaxBytes: s.Grants.Limits.FileBytes,
		Hint:     sprintf(lang, "attach.hint", s.Grants.Limits.FileBytes>>20, s.Grants.Limits.ApplicationBytes>>20),
		TooLarge: sprintf(lang, "attach.too_large", s.Grants.Limits.FileBytes>>20)}
	list, err := s.Grants.Attachments(ctx, u, app.ID)
	if err != nil {
		return v, err
	}
	for _, a := range list {
		row := attachmentRow{Href: attachmentPath(a.ID), Name: a.Name, Type: fileType(a.ContentType, lang),
			Size: fileSize(a.Size, lang), Uploader: a.UploaderName, Uploaded: osloTime(a.CreatedAt),
			DeleteAction: attachmentPath(a.ID) + "/delete"}
		if row.Uploader == "" {
			row.Uploader = msg("detail.hidden").In(lang)
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// fileTypes name the accepted types of file (filetype's allowlist).
var fileTypes = map[string]string{
	"application/pdf": "filetype.pdf",
	"image/png":       "filetype.png",
	"image/jpeg":      "filetype.jpeg",
	"text/plain":      "filetype.text",
	"text/csv":        "filetype.csv",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   "filetype.docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         "filetype.xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "filetype.pptx",
	"application/vnd.oasis.opendocument.text":                                   "filetype.odt",
	"application/vnd.oasis.opendocument.spreadsheet":                            "filetype.ods",
	"application/vnd.oasis.opendocument.presentation":                           "filetype.odp",
}

// fileType names a stored content type for people.
func fileType(contentType string, lang i18n.Lang) string {
	base, _, _ := strings.Cut(contentType, ";")
	if key, ok := fileTypes[strings.TrimSpace(base)]; ok {
		return msg(key).In(lang)
	}
	return contentType
}

// fileSize shows a size as people read it: "830 byte", "12 kB", "2,5 MB"
// (one decimal below ten, a decimal comma in bokmål, a no-break space
// before the unit).
func fileSize(n int64, lang i18n.Lang) string {
	if n < 1024 {
		return sprintf(lang, "size.bytes", n)
	}
	v, unit := float64(n)/1024, "kB"
	for _, next := range []string{"MB", "GB"} {
		if v < 1024 {
			break
		}
		v, unit = v/1024, next
	}
	var num string
	if v < 9.95 {
		num = strconv.FormatFloat(v, 'f', 1, 64)
		if lang == i18n.NB {
			num = strings.Replace(num, ".", ",", 1)
		}
	} else {
		num = strconv.FormatFloat(v, 'f', 0, 64)
	}
	return num + "\u00a0" + unit
}

// wantsJSON reports whether the request is the upload script's, which
// wants {ok, error} instead of a page or a redirect.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json") || r.Header.Get("X-Requested-With") == "XMLHttpRequest"
}

// uploadAnswer is the answer to the upload script.
type uploadAnswer struct {
	OK       bool   `json:"ok"`
	Error    string `json:"error,omitempty"`
	Name     string `json:"name,omitempty"`
	Location string `json:"location,omitempty"`
}

// uploadAttachment streams the file of a multipart form post to grants,
// never holding it in memory or on disk. A form post is answered with a
// redirect back to the page, or the page with the error; the upload
// script's request with JSON.
func (s *site) uploadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.Grants.Limits.FileBytes+multipartOverhead)
	u, err := signedIn(r)
	var at model.Attachment
	if err == nil {
		at, err = s.receiveFile(r, u, id)
	}
	if err != nil {
		// Read what the browser is still sending (at most the limit), so
		// that it gets this answer rather than a reset connection.
		_, _ = io.Copy(io.Discard, r.Body)
	}
	if wantsJSON(r) {
		return s.answerUpload(w, r, id, at, err)
	}
	if err != nil {
		if apperr.Is(err, apperr.NotFound) || apperr.Is(err, apperr.Unauthenticated) || apperr.Is(err, apperr.Internal) {
			return err
		}
		httpx.LogIfFault(r, err) // storage down: shown on the page, and logged
		return s.showDetail(w, r, u, id, &refusal{form: formUpload, err: apperr.As(err)})
	}
	http.Redirect(w, r, appPath(id)+"?done=attachment_added#h-attachments", http.StatusSeeOther)
	return nil
}

func (s *site) receiveFile(r *http.Request, u model.User, appID int64) (model.Attachment, error) {
	part, err := s.filePart(r)
	if err != nil {
		return model.Attachment{}, err
	}
	defer part.Close()
	at, err := s.Grants.AddAttachment(r.Context(), u, appID, part.FileName(), part, httpx.RequestID(r.Context()))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return at, s.tooLarge()
	}
	return at, err
}

func (s *site) tooLarge() error {
	t := msg("attach.too_large")
	return apperr.New(apperr.TooLarge, i18n.Tf(t.NB, t.EN, s.Grants.Limits.FileBytes>>20))
}

// filePart finds the part named "file" in a multipart/form-data body.
func (s *site) filePart(r *http.Request) (*multipart.Part, error) {
	noFile := apperr.Fields(map[string]i18n.Text{"file": msg("attach.choose_file")})
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, apperr.Wrap(apperr.BadRequest, msg("error.bad_form"), err)
	}
	for {
		part, err := mr.NextPart()
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return nil, s.tooLarge()
		case errors.Is(err, io.EOF):
			return nil, noFile
		case err != nil:
			return nil, apperr.Wrap(apperr.BadRequest, msg("error.bad_form"), err)
		}
		if part.FormName() == "file" {
			if part.FileName() == "" { // the form was sent without a file chosen
				part.Close()
				return nil, noFile
			}
			return part, nil
		}
		part.Close()
	}
}

func (s *site) answerUpload(w http.ResponseWriter, r *http.Request, appID int64, at model.Attachment, err error) error {
	status, answer := http.StatusOK, uploadAnswer{OK: true, Name: at.Name,
		Location: appPath(appID) + "?done=attachment_added#h-attachments"}
	if err != nil {
		httpx.LogIfFault(r, err)
		e := apperr.As(err)
		status, answer = apperr.Status(err), uploadAnswer{Error: e.Message.In(httpx.Lang(r))}
		if t, ok := e.Fields["file"]; ok {
			answer.Error = t.In(httpx.Lang(r))
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "5")
	}
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(answer); err != nil {
		return fmt.Errorf("web: write the upload answer: %w", err)
	}
	return nil
}

// downloadAttachment sends a file to those grants lets open it.
func (s *site) downloadAttachment(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	at, obj, err := s.Grants.OpenAttachment(r.Context(), u, id, httpx.RequestID(r.Context()))
	if err != nil {
		return err
	}
	defer obj.Close()
	httpx.ServeFile(w, r, at, obj)
	return nil
}

// deleteAttachment deletes a file and returns to its application; a
// refusal (the application is submitted) is shown on the application.
func (s *site) deleteAttachment(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	// Only to know where to return: grants checks who may delete it.
	at, err := s.Store.Attachment(r.Context(), id)
	if apperr.Is(err, apperr.NotFound) {
		return apperr.New(apperr.NotFound, msg("attach.not_found"))
	}
	if err != nil {
		return err
	}
	if err := s.Grants.DeleteAttachment(r.Context(), u, id, httpx.RequestID(r.Context())); err != nil {
		if !shownOnPage(err) {
			return err
		}
		return s.showDetail(w, r, u, at.ApplicationID, &refusal{form: formDelete, err: apperr.As(err)})
	}
	http.Redirect(w, r, appPath(at.ApplicationID)+"?done=attachment_deleted#h-attachments", http.StatusSeeOther)
	return nil
}
