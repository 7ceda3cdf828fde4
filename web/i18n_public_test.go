package web

import (
	"testing"

	"nyttig/internal/model"
)

// publicKeys are the catalog keys the public, publication and prize pages
// build at run time, for the test that every key used is in the catalog.
func publicKeys() []string {
	var keys []string
	for _, f := range model.PublicFields {
		keys = append(keys, "public.field_"+f)
	}
	for _, b := range model.LegalBases {
		keys = append(keys, "publication.basis_"+b)
	}
	for _, r := range []string{model.PrizeWinner, model.PrizeMention} {
		keys = append(keys, "public.prize_"+r)
	}
	for _, b := range []string{"quality", "efficiency", "avoided_costs", "employee_satisfaction", "citizen_influence"} {
		keys = append(keys, "prize.benefit_"+b)
	}
	return keys
}

// TestPublicKeysAreInTheCatalog checks the keys the public, publication
// and prize pages build at run time.
func TestPublicKeysAreInTheCatalog(t *testing.T) {
	for _, key := range publicKeys() {
		if _, ok := catalog[key]; !ok {
			t.Errorf("%q is not in the catalog", key)
		}
	}
}
