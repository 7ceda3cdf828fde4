package grants_test

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// paid attests and authorises a fresh grant's first tranche.
func (w *world) paid(fin financePeople, amount money.Ore, ref string) model.Payout {
	w.t.Helper()
	_, plan := w.accepted(amount)
	w.firePayout(fin.attestant, plan[0].ID, workflow.Attest, grants.PayoutInput{})
	return w.firePayout(fin.authoriser, plan[0].ID, workflow.Authorise, booked(ref))
}

func TestPayoutExport(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	p := w.paid(fin, money.FromKroner(100_000), "BILAG-X1")
	_, plan := w.accepted(money.FromKroner(40_000))
	attested := w.firePayout(fin.attestant, plan[0].ID, workflow.Attest, grants.PayoutInput{})

	if _, err := w.g.CreatePayoutExport(w.ctx, w.officer); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("a case officer exporting: %v", err)
	}
	x, err := w.g.CreatePayoutExport(w.ctx, fin.attestant)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := w.st.ExportLines(w.ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	var total money.Ore
	for _, l := range lines {
		total += l.AmountOre
	}
	if x.Count != len(lines) || x.TotalOre != total || x.CreatedBy != fin.attestant.ID {
		t.Errorf("batch %+v does not add up to its %d lines totalling %d", x, len(lines), total)
	}
	i := slices.IndexFunc(lines, func(l model.ExportLine) bool { return l.PayoutID == p.ID })
	if i < 0 {
		t.Fatalf("the paid tranche %d is not in batch %+v", p.ID, lines)
	}
	if l := lines[i]; l.AmountOre != p.AmountOre || l.ERPReference != "BILAG-X1" || l.PaidOn != p.PaidOn || l.Recipient.CostCentre != "4100" {
		t.Errorf("line %+v for tranche %+v", l, p)
	}
	if slices.ContainsFunc(lines, func(l model.ExportLine) bool { return l.PayoutID == attested.ID }) {
		t.Error("an attested, unpaid tranche was exported")
	}

	// Nothing new: the second export records nothing.
	if _, err := w.g.CreatePayoutExport(w.ctx, fin.authoriser); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("a second export with nothing new: %v", err)
	}
	// Once paid, the other tranche goes in the next batch, alone.
	w.firePayout(fin.authoriser, attested.ID, workflow.Authorise, booked("BILAG-X2"))
	next, err := w.g.CreatePayoutExport(w.ctx, fin.authoriser)
	if err != nil {
		t.Fatal(err)
	}
	if next.Count != 1 || next.TotalOre != attested.AmountOre {
		t.Errorf("the next batch is %+v, want only tranche %d", next, attested.ID)
	}

	// Re-exporting gives the same bytes.
	csv1, _, err := w.g.ExportCSV(w.ctx, fin.authoriser, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	csv2, _, err := w.g.ExportCSV(w.ctx, fin.attestant, x.ID)
	if err != nil || !bytes.Equal(csv1, csv2) {
		t.Fatalf("the CSV changed between downloads (%v)", err)
	}
	if want := ";" + strconv.FormatInt(p.ID, 10) + ";"; !strings.Contains(string(csv1), want) || !strings.Contains(string(csv1), ";"+p.AmountOre.Plain()+";") {
		t.Errorf("the CSV does not hold tranche %d at %s:\n%s", p.ID, p.AmountOre.Plain(), csv1)
	}
	xl1, _, err := w.g.ExportXLSX(w.ctx, fin.authoriser, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	xl2, _, err := w.g.ExportXLSX(w.ctx, fin.authoriser, x.ID)
	if err != nil || !bytes.Equal(xl1, xl2) {
		t.Fatalf("the XLSX changed between downloads (%v)", err)
	}
	if _, _, err := w.g.ExportCSV(w.ctx, w.applicant, x.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("an applicant downloading a batch: %v", err)
	}
	if _, _, err := w.g.ExportCSV(w.ctx, fin.authoriser, next.ID+1000); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("downloading no batch: %v", err)
	}

	// The database holds a tranche to one batch, and a batch to its rows.
	for _, c := range []struct{ name, sql string }{
		{"move a tranche to another batch", "UPDATE payouts SET export_id = " + strconv.FormatInt(next.ID, 10) + " WHERE id = " + strconv.FormatInt(p.ID, 10)},
		{"take a tranche out of its batch", "UPDATE payouts SET export_id = NULL WHERE id = " + strconv.FormatInt(p.ID, 10)},
		{"change a batch", "UPDATE payout_exports SET total_ore = 1 WHERE id = " + strconv.FormatInt(x.ID, 10)},
		{"delete a batch", "DELETE FROM payout_exports WHERE id = " + strconv.FormatInt(x.ID, 10)},
	} {
		if _, err := w.st.Pool().Exec(w.ctx, c.sql); err == nil {
			t.Errorf("the database let me %s", c.name)
		}
	}
	_, plan = w.accepted(money.FromKroner(10_000))
	if _, err := w.st.Pool().Exec(w.ctx, "UPDATE payouts SET export_id = $1 WHERE id = $2", x.ID, plan[0].ID); err == nil {
		t.Error("the database let me export an unpaid tranche")
	}
	w.consistent()
}

// TestConcurrentExports starts five exports at once: every paid tranche
// ends in exactly one batch, and the exports that find nothing left say so.
func TestConcurrentExports(t *testing.T) {
	w := newWorld(t, money.FromKroner(1_000_000), false)
	fin := w.finance()
	want := map[int64]bool{}
	for i := range 3 {
		want[w.paid(fin, money.FromKroner(10_000), "BILAG-C"+strconv.Itoa(i)).ID] = true
	}
	batches := make([]model.PayoutExport, 5)
	errs := make([]error, 5)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range batches {
		wg.Go(func() {
			<-start
			batches[i], errs[i] = w.g.CreatePayoutExport(w.ctx, fin.attestant)
		})
	}
	close(start)
	wg.Wait()
	seen := map[int64]int64{}
	for i, err := range errs {
		if apperr.Is(err, apperr.Conflict) {
			continue
		}
		if err != nil {
			t.Fatalf("export %d: %v", i, err)
		}
		lines, err := w.st.ExportLines(w.ctx, batches[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != batches[i].Count {
			t.Errorf("batch %+v has %d lines", batches[i], len(lines))
		}
		for _, l := range lines {
			if other, ok := seen[l.PayoutID]; ok {
				t.Errorf("tranche %d is in batches %d and %d", l.PayoutID, other, batches[i].ID)
			}
			seen[l.PayoutID] = batches[i].ID
		}
	}
	for id := range want {
		if _, ok := seen[id]; !ok {
			t.Errorf("paid tranche %d is in no batch", id)
		}
	}
	w.consistent()
}
