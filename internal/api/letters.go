package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"time"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/letter"
	"nyttig/internal/model"
)

func (a *api) listLetters(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	list, err := a.grants.Letters(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

// downloadLetter streams a stored letter; the project lead's first
// download starts the appeal deadline.
func (a *api) downloadLetter(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	l, obj, err := a.grants.OpenLetter(r.Context(), u, id)
	if err != nil {
		return err
	}
	defer obj.Close()
	httpx.ServeFile(w, r, letterFile(l), obj)
	return nil
}

// letterFile describes a letter as a file to download.
func letterFile(l model.Letter) model.Attachment {
	return model.Attachment{Name: "vedtak-" + strconv.FormatInt(l.ApplicationID, 10) + "-v" + strconv.Itoa(l.Version) + ".pdf",
		ContentType: "application/pdf", SHA256: l.SHA256, Size: l.Size, CreatedAt: l.CreatedAt}
}

// letterPreview renders the draft letter on request. Its ETag is the
// draft's SHA-256, as a stored letter's is: an empty one would match an
// empty If-None-Match and answer 304 for whatever the draft now says.
func (a *api) letterPreview(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	pdf, err := a.grants.LetterPreview(r.Context(), u, id)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(pdf)
	httpx.ServeFile(w, r, model.Attachment{Name: "utkast-" + strconv.FormatInt(id, 10) + ".pdf", ContentType: "application/pdf",
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(pdf)), CreatedAt: time.Now()}, bytes.NewReader(pdf))
	return nil
}

func (a *api) putLetterTemplate(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var t letter.Template
	if err := httpx.DecodeJSON(w, r, &t); err != nil {
		return err
	}
	t, err = a.grants.SetLetterTemplate(r.Context(), u, id, t)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

// putFundLogo sets the logo on a fund's letters from a PNG or JPEG body.
func (a *api) putFundLogo(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	switch ct := r.Header.Get("Content-Type"); ct {
	case "image/png", "image/jpeg":
	default:
		return apperr.New(apperr.Unsupported, i18n.T("Send logoen som image/png eller image/jpeg.", "Send the logo as image/png or image/jpeg."))
	}
	logo, err := io.ReadAll(http.MaxBytesReader(w, r.Body, grants.MaxLogoBytes))
	if err != nil {
		return apperr.New(apperr.TooLarge, i18n.T("Logoen kan være høyst 2 MiB.", "The logo can be at most 2 MiB."))
	}
	if err := a.grants.SetFundLogo(r.Context(), u, id, logo); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
