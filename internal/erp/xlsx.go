package erp

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"

	"nyttig/internal/model"
)

// Sheet is the name of the XLSX file's one sheet.
const Sheet = "Utbetalinger"

// XLSX renders batch and its lines as a workbook. Its document properties
// carry the batch's creation time rather than the clock's, and its parts
// are written in name order with a fixed modification time, so that the
// same batch gives the same bytes.
func XLSX(batch model.PayoutExport, lines []model.ExportLine) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", Sheet); err != nil {
		return nil, err
	}
	created := batch.CreatedAt.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "Nyttig", LastModifiedBy: "Nyttig",
		Title: fmt.Sprintf("Utbetalinger, bunt %d", batch.ID), Created: created, Modified: created}); err != nil {
		return nil, err
	}
	amount, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return nil, err
	}
	for i, c := range Columns {
		if err := f.SetCellStr(Sheet, cell(i, 1), c); err != nil {
			return nil, err
		}
	}
	amountCol := slices.Index(Columns, "amount")
	for n, l := range lines {
		row := n + 2
		for i, v := range record(batch, l) {
			var err error
			switch i {
			case 0:
				err = f.SetCellInt(Sheet, cell(i, row), batch.ID)
			case 1:
				err = f.SetCellInt(Sheet, cell(i, row), l.PayoutID)
			case amountCol:
				err = f.SetCellValue(Sheet, cell(i, row), float64(l.AmountOre)/100)
				if err == nil {
					err = f.SetCellStyle(Sheet, cell(i, row), cell(i, row), amount)
				}
			default:
				err = f.SetCellStr(Sheet, cell(i, row), v)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return canonicalZip(b.Bytes())
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row) // col and row are in range
	return name
}

// canonicalZip rewrites a zip archive with its entries in name order and
// a fixed modification time: excelize writes its parts in map order.
func canonicalZip(in []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		return nil, err
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int {
		// [Content_Types].xml first, as Office expects, then by name.
		return cmpKey(a.Name, b.Name)
	})
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, zf := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: epoch})
		if err != nil {
			return nil, err
		}
		r, err := zf.Open()
		if err != nil {
			return nil, err
		}
		_, err = io.Copy(w, r)
		r.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func cmpKey(a, b string) int {
	const first = "[Content_Types].xml"
	switch {
	case a == b:
		return 0
	case a == first:
		return -1
	case b == first:
		return 1
	case a < b:
		return -1
	}
	return 1
}
