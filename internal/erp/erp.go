// Package erp renders export batches of paid tranches as the files the
// municipality's ERP system imports: CSV and XLSX. It is pure: a batch and
// its lines in, bytes out, the same bytes for the same batch every time.
//
// The CSV file is UTF-8 without a byte order mark, fields separated by
// semicolons, lines ended by CRLF, quoted only where a field holds a
// semicolon, a quote or a line break. Its first line names the columns:
//
//	batch_id        the export batch's number
//	payout_id       the tranche's number in Nyttig
//	case_number     the application's case number (saksnummer)
//	recipient_type  internal (a unit: cost centre and project) or external
//	                (an organisation: organisation and account number)
//	cost_centre     the receiving unit's cost centre (kostnadssted); internal only
//	project_number  the receiving unit's project number; internal only
//	org_number      the organisation number, 9 digits; external only
//	account_number  the bank account number, 11 digits; external only
//	amount          kroner with a comma and two decimals, no thousands
//	                separator: 125000,00
//	paid_on         the payment date, YYYY-MM-DD
//	erp_reference   the voucher number the authoriser recorded
//	title           the application's title
//
// Lines are in payout_id order. The recipient is the one attested, not
// whatever the application says today. The XLSX file has one sheet,
// "Utbetalinger", with the same columns and the amount as a number in
// kroner formatted with two decimals.
package erp

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"nyttig/internal/model"
)

// Columns are the export's columns, in order.
var Columns = []string{"batch_id", "payout_id", "case_number", "recipient_type", "cost_centre", "project_number",
	"org_number", "account_number", "amount", "paid_on", "erp_reference", "title"}

// Recipient types in the recipient_type column.
const (
	Internal = "internal"
	External = "external"
)

// record is one line's fields as text.
func record(batch model.PayoutExport, l model.ExportLine) []string {
	kind := Internal
	if l.Recipient.External() {
		kind = External
	}
	return []string{strconv.FormatInt(batch.ID, 10), strconv.FormatInt(l.PayoutID, 10), l.CaseNumber, kind,
		l.Recipient.CostCentre, l.Recipient.ProjectNumber, l.Recipient.OrgNumber, l.Recipient.AccountNumber,
		l.AmountOre.Plain(), l.PaidOn, l.ERPReference, l.Title}
}

// CSV renders batch and its lines as the ERP's CSV file.
func CSV(batch model.PayoutExport, lines []model.ExportLine) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = ';', true
	_ = w.Write(Columns) // a bytes.Buffer does not fail
	for _, l := range lines {
		_ = w.Write(record(batch, l))
	}
	w.Flush()
	return b.Bytes()
}
