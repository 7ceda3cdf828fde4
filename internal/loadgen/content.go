package loadgen

import (
	"bytes"
	"fmt"
	"strings"

	"nyttig/internal/model"
)

// Fields is a complete application to callID titled title: what a client
// fills in before it submits.
func Fields(callID int64, title string) model.ApplicationFields {
	return model.ApplicationFields{
		CallID:           callID,
		Title:            title,
		Summary:          "Digital innbyggerdialog for byggesak.",
		Need:             "Innbyggerne venter for lenge på svar.",
		Solution:         "Svar på vanlige spørsmål døgnet rundt.",
		AdoptionPlan:     "Pilot i én enhet, deretter alle.",
		ExpectedBenefits: "Kortere ventetid.",
		BudgetLines: []model.BudgetLine{
			{Category: "Innleie", Description: "Konsulent", AmountOre: 80_000_00},
			{Category: "Egeninnsats", Description: "Timer", AmountOre: 20_000_00},
		},
		OwnContributionOre: 20_000_00,
		RequestedAmountOre: 80_000_00,
		Unit:               "Byggesak",
		Partners:           []string{"Nabokommunen"},
		StartDate:          "2027-08-01",
		EndDate:            "2028-06-30",
	}
}

// PDF returns a valid one-page PDF of about size bytes (at least a few
// hundred): the page's content stream is padded with a comment.
func PDF(size int) []byte {
	const head = "%PDF-1.4\n"
	pad := max(size-600, 0)
	stream := "% " + strings.Repeat("n", pad) + "\n"
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(stream), stream),
	}
	var b bytes.Buffer
	b.WriteString(head)
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
