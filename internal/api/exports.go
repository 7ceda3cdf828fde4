package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"

	"nyttig/internal/httpx"
	"nyttig/internal/model"
)

func (a *api) createPayoutExport(w http.ResponseWriter, r *http.Request, u model.User) error {
	x, err := a.grants.CreatePayoutExport(r.Context(), u)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/payout-exports/"+strconv.FormatInt(x.ID, 10)+".csv")
	httpx.WriteJSON(w, http.StatusCreated, x)
	return nil
}

// exportFile serves a batch's file. The batch never changes, so the file's
// SHA-256 is a strong ETag and the batch's creation its Last-Modified.
func exportFile(w http.ResponseWriter, r *http.Request, x model.PayoutExport, b []byte, ext, contentType string) {
	sum := sha256.Sum256(b)
	httpx.ServeFile(w, r, model.Attachment{Name: "utbetalinger-" + strconv.FormatInt(x.ID, 10) + "." + ext, ContentType: contentType,
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b)), CreatedAt: x.CreatedAt}, bytes.NewReader(b))
}

func (a *api) exportCSV(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	b, x, err := a.grants.ExportCSV(r.Context(), u, id)
	if err != nil {
		return err
	}
	exportFile(w, r, x, b, "csv", "text/csv; charset=utf-8")
	return nil
}

func (a *api) exportXLSX(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	b, x, err := a.grants.ExportXLSX(r.Context(), u, id)
	if err != nil {
		return err
	}
	exportFile(w, r, x, b, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return nil
}
