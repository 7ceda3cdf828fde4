package erp_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"nyttig/internal/erp"
	"nyttig/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// batch is a fixed batch: an internal and an external recipient, øre,
// and a title that needs quoting.
func batch() (model.PayoutExport, []model.ExportLine) {
	b := model.PayoutExport{ID: 7, CreatedBy: 3, CreatedAt: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), Count: 2, TotalOre: 125_000_00 + 4_999_50}
	return b, []model.ExportLine{
		{PayoutID: 41, CaseNumber: "2026/0012", Title: "Kulturhus på Nyby", AmountOre: 125_000_00, PaidOn: "2026-03-01", ERPReference: "V-1001",
			Recipient: model.Recipient{CostCentre: "4100", ProjectNumber: "P-77"}},
		{PayoutID: 42, CaseNumber: "2026/0013", Title: `Idrett; "for alle"`, AmountOre: 4_999_50, PaidOn: "2026-03-02", ERPReference: "V-1002",
			Recipient: model.Recipient{OrgNumber: "974760673", AccountNumber: "86011117947"}},
	}
}

func TestCSVGolden(t *testing.T) {
	got := erp.CSV(batch())
	path := filepath.Join("testdata", "batch.csv")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("CSV differs from %s (-want +got):\n%s", path, diff)
	}
	if !bytes.Equal(got, erp.CSV(batch())) {
		t.Error("rendering the same batch twice gives different bytes")
	}
}

// TestCSVColumns checks the header against the documented columns, so the
// documentation (docs/erp-export.md) and the file cannot drift apart.
func TestCSVColumns(t *testing.T) {
	header, _, _ := strings.Cut(string(erp.CSV(batch())), "\r\n")
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "erp-export.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range strings.Split(header, ";") {
		if !strings.Contains(string(doc), "`"+c+"`") {
			t.Errorf("column %s is not documented in docs/erp-export.md", c)
		}
	}
}

func TestXLSX(t *testing.T) {
	b, lines := batch()
	first, err := erp.XLSX(b, lines)
	if err != nil {
		t.Fatal(err)
	}
	again, err := erp.XLSX(b, lines)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("rendering the same batch twice gives different XLSX bytes")
	}
	f, err := excelize.OpenReader(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{erp.Sheet}) {
		t.Fatalf("sheets %v, want [%s]", got, erp.Sheet)
	}
	rows, err := f.GetRows(erp.Sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{erp.Columns,
		{"7", "41", "2026/0012", "internal", "4100", "P-77", "", "", "125000", "2026-03-01", "V-1001", "Kulturhus på Nyby"},
		{"7", "42", "2026/0013", "external", "", "", "974760673", "86011117947", "4999.5", "2026-03-02", "V-1002", `Idrett; "for alle"`},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("XLSX cells (-want +got):\n%s", diff)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Created != "2026-03-02T09:30:00Z" {
		t.Errorf("created %q, want the batch's creation time", props.Created)
	}
}
