package model

import (
	"testing"

	"nyttig/internal/money"
)

func TestValidOrgNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"974760673", true},  // Brønnøysundregistrene
		{"923609016", true},  // Equinor
		{"971524960", true},  // a check digit of 0 (remainder 0)
		{"991825827", true},  // Digitaliseringsdirektoratet
		{"974760672", false}, // wrong check digit
		{"974760674", false},
		{"100000130", false}, // no check digit exists (remainder 1)
		{"100000139", false},
		{"97476067", false},   // eight digits
		{"9747606730", false}, // ten digits
		{"97476067a", false},
		{"974 760 673", false}, // Normalise removes the spaces first
		{"", false},
		{"-74760673", false},
	} {
		if got := ValidOrgNumber(tc.in); got != tc.want {
			t.Errorf("ValidOrgNumber(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestValidAccountNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"86011117947", true},
		{"12345678903", true},
		{"12345678040", true},  // a check digit of 0 (remainder 0)
		{"86011117946", false}, // wrong check digit
		{"86011117948", false},
		{"12345678920", false}, // no check digit exists (remainder 1)
		{"12345678929", false},
		{"8601111794", false},   // ten digits
		{"860111179470", false}, // twelve digits
		{"8601111794x", false},
		{"8601.11.17947", false}, // Normalise removes the dots first
		{"", false},
	} {
		if got := ValidAccountNumber(tc.in); got != tc.want {
			t.Errorf("ValidAccountNumber(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestRecipient(t *testing.T) {
	r := Recipient{CostCentre: " 1234 ", OrgNumber: "974 760 673", AccountNumber: "8601.11.17947"}
	r.Normalise()
	if r.CostCentre != "1234" || r.OrgNumber != "974760673" || r.AccountNumber != "86011117947" {
		t.Fatalf("normalised %+v", r)
	}
	for _, tc := range []struct {
		name     string
		r        Recipient
		external bool
		want     []string // fields with a problem
	}{
		{"internal, complete", Recipient{CostCentre: "1234", ProjectNumber: "P-77"}, false, nil},
		{"internal, no project", Recipient{CostCentre: "1234"}, false, []string{"project_number"}},
		{"nothing", Recipient{}, false, []string{"cost_centre", "project_number"}},
		{"external, complete", Recipient{OrgNumber: "974760673", AccountNumber: "86011117947"}, true, nil},
		{"external where the call forbids it", Recipient{OrgNumber: "974760673", AccountNumber: "86011117947"}, false, []string{"org_number"}},
		{"external, no account", Recipient{OrgNumber: "974760673"}, true, []string{"account_number"}},
		{"external, bad numbers", Recipient{OrgNumber: "974760672", AccountNumber: "86011117946"}, true, []string{"org_number", "account_number"}},
		{"both kinds", Recipient{CostCentre: "1", ProjectNumber: "2", OrgNumber: "974760673", AccountNumber: "86011117947"}, true, []string{"cost_centre"}},
		{"cost centre too long", Recipient{CostCentre: "1234567890123456789012345678901", ProjectNumber: "P"}, false, []string{"cost_centre"}},
	} {
		fe := tc.r.Missing(tc.external)
		if len(fe) != len(tc.want) {
			t.Errorf("%s: problems %v, want %v", tc.name, fe, tc.want)
			continue
		}
		for _, f := range tc.want {
			if fe[f].NB == "" || fe[f].EN == "" {
				t.Errorf("%s: no message in both languages on %s: %v", tc.name, f, fe)
			}
		}
	}
}

func TestApplicationChecksRecipientValues(t *testing.T) {
	f := ApplicationFields{CallID: 1, Recipient: Recipient{OrgNumber: "123456789", AccountNumber: "86011117947"}}
	fe := f.Check()
	if _, ok := fe["org_number"]; !ok {
		t.Fatalf("a bad organisation number passed: %v", fe)
	}
	if _, ok := fe["account_number"]; ok {
		t.Fatalf("a good account number was refused: %v", fe)
	}
	f.OrgNumber = "974760673"
	if fe := f.Incomplete(Call{MaxAmountOre: 100}); fe["org_number"].NB == "" {
		t.Errorf("an external recipient in a call without them was accepted: %v", fe)
	}
	if fe := f.Incomplete(Call{MaxAmountOre: 100, ExternalRecipients: true}); fe["org_number"].NB != "" {
		t.Errorf("an external recipient in a call that allows them was refused: %v", fe["org_number"])
	}
}

func TestCheckPlan(t *testing.T) {
	granted := money.Ore(100_000_00)
	for _, tc := range []struct {
		name string
		plan []PlanTranche
		want string // the field with a problem; "" for none
	}{
		{"75/25", []PlanTranche{{75_000_00, OnAcceptance, ""}, {25_000_00, OnFinalReport, ""}}, ""},
		{"three with a date", []PlanTranche{{50_000_00, OnAcceptance, ""}, {30_000_00, OnDate, "2027-03-01"}, {20_000_00, OnFinalReport, ""}}, ""},
		{"short by one øre", []PlanTranche{{75_000_00, OnAcceptance, ""}, {24_999_99, OnFinalReport, ""}}, "tranches"},
		{"too much", []PlanTranche{{100_000_00, OnAcceptance, ""}, {1, OnFinalReport, ""}}, "tranches"},
		{"empty", nil, "tranches"},
		{"zero tranche", []PlanTranche{{100_000_00, OnAcceptance, ""}, {0, OnFinalReport, ""}}, "tranches[1].amount_ore"},
		{"negative tranche", []PlanTranche{{100_000_01, OnAcceptance, ""}, {-1, OnFinalReport, ""}}, "tranches[1].amount_ore"},
		{"a date without on_date", []PlanTranche{{100_000_00, OnAcceptance, "2027-01-01"}}, "tranches[0].due_date"},
		{"on_date without a date", []PlanTranche{{100_000_00, OnDate, ""}}, "tranches[0].due_date"},
		{"unknown condition", []PlanTranche{{100_000_00, "when_pigs_fly", ""}}, "tranches[0].condition"},
	} {
		fe := CheckPlan(tc.plan, granted)
		switch {
		case tc.want == "" && len(fe) > 0:
			t.Errorf("%s: refused %v", tc.name, fe)
		case tc.want != "" && fe[tc.want].NB == "":
			t.Errorf("%s: want a problem on %s, got %v", tc.name, tc.want, fe)
		}
	}
	if got := SharePercent(2_500_00, 10_000_00); got != 25 {
		t.Errorf("share %d, want 25", got)
	}
	if got := SharePercent(1, 3); got != 33 {
		t.Errorf("share %d, want 33", got)
	}
	if got := SharePercent(1, 10_000_00); got != 1 {
		t.Errorf("share of a tiny tranche %d, want 1", got)
	}
}
