package api

import (
	"bufio"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

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

// uploadReadBuffer is how much of an upload is read from the connection at
// a time. The multipart reader reads through a buffer of only 4 KiB: one
// system call per 4 KiB without this one below it.
const uploadReadBuffer = 256 << 10

// filePart finds the part named "file" in a multipart/form-data body.
func filePart(r *http.Request) (*multipart.Part, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, apperr.New(apperr.Unsupported, msgNoFilePart)
	}
	if params["boundary"] == "" {
		return nil, apperr.New(apperr.BadRequest, msgNoFilePart)
	}
	mr := multipart.NewReader(bufio.NewReaderSize(r.Body, uploadReadBuffer), params["boundary"])
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
	httpx.ServeFile(w, r, at, obj)
	return nil
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
