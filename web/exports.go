package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/model"
)

type exportRow struct {
	Number, Created, Count, Total, CSV, XLSX string
}

type exportsView struct {
	Flash     string
	Error     string
	Rows      []exportRow
	CanCreate bool
}

func exportPath(id int64, ext string) string {
	return "/finance/exports/" + strconv.FormatInt(id, 10) + "." + ext
}

// exports lists the ERP export batches with their files, and offers to
// record a new batch of every paid tranche not yet exported.
func (s *site) exports(w http.ResponseWriter, r *http.Request) error {
	return s.showExports(w, r, http.StatusOK, "")
}

func (s *site) showExports(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	list, err := s.Grants.PayoutExports(r.Context(), u)
	if err != nil {
		return err
	}
	v := exportsView{Error: problem, CanCreate: true}
	if r.URL.Query().Get("done") == "export" {
		v.Flash = msg("done.export").In(lang)
	}
	for _, x := range list {
		v.Rows = append(v.Rows, exportRow{Number: strconv.FormatInt(x.ID, 10), Created: osloTime(x.CreatedAt),
			Count: strconv.Itoa(x.Count), Total: x.TotalOre.String(), CSV: exportPath(x.ID, "csv"), XLSX: exportPath(x.ID, "xlsx")})
	}
	return s.render(w, r, page{Status: status, Template: "exports", Title: msg("exports.title").In(lang), Nav: "finance", Data: v})
}

// createExport records a batch; with nothing waiting, it says so.
func (s *site) createExport(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	if _, err := s.Grants.CreatePayoutExport(r.Context(), u); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return s.showExports(w, r, http.StatusConflict, apperr.As(err).Message.In(httpx.Lang(r)))
		}
		return err
	}
	http.Redirect(w, r, "/finance/exports?done=export", http.StatusSeeOther)
	return nil
}

// exportFile downloads a batch as CSV or XLSX, the same bytes every time.
func (s *site) exportFile(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	name := chi.URLParam(r, "file")
	idText, ext, _ := strings.Cut(name, ".")
	id, err := httpx.IDParam(idText)
	if err != nil {
		return err
	}
	var (
		body  []byte
		batch model.PayoutExport
		ctype string
	)
	switch ext {
	case "csv":
		body, batch, err = s.Grants.ExportCSV(r.Context(), u, id)
		ctype = "text/csv; charset=utf-8"
	case "xlsx":
		body, batch, err = s.Grants.ExportXLSX(r.Context(), u, id)
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		return apperr.New(apperr.NotFound, msg("error.404.title"))
	}
	if err != nil {
		return err
	}
	httpx.ServeFile(w, r, model.Attachment{Name: "nyttig-utbetalinger-" + idText + "." + ext, ContentType: ctype,
		Size: int64(len(body)), CreatedAt: batch.CreatedAt}, bytes.NewReader(body))
	return nil
}
