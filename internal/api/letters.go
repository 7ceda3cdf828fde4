package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"nyttig/internal/httpx"
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

func (a *api) getLetterTemplate(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	t, err := a.grants.LetterTemplate(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
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
