package model

import (
	"time"

	"nyttig/internal/money"
)

// PayoutExport is a recorded batch of paid tranches handed to the ERP
// system. Its lines never change, so its files can be downloaded again.
type PayoutExport struct {
	ID        int64     `json:"id"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Count     int       `json:"count"`
	TotalOre  money.Ore `json:"total_ore"`
}

// ExportLine is one paid tranche in an export batch, with the recipient
// as attested.
type ExportLine struct {
	PayoutID     int64
	CaseNumber   string
	Title        string
	Recipient    Recipient
	AmountOre    money.Ore
	PaidOn       string // YYYY-MM-DD
	ERPReference string
}
