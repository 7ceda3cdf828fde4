package sso

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"nyttig/workflow"
)

func TestMapRoles(t *testing.T) {
	roleMap := map[string]workflow.Role{
		"Nyttig.CaseOfficer":   workflow.CaseOfficer,
		"Nyttig.Saksbehandler": workflow.CaseOfficer,
		"Nyttig.Admin":         workflow.Admin,
	}
	for _, tc := range []struct {
		name  string
		claim any
		want  []workflow.Role
	}{
		{"Entra app roles", []any{"Nyttig.Admin", "Nyttig.CaseOfficer"}, []workflow.Role{workflow.Admin, workflow.CaseOfficer}},
		{"unmapped values ignored", []any{"Teams.User", "Nyttig.Admin", "admin"}, []workflow.Role{workflow.Admin}},
		{"two values for one role", []any{"Nyttig.CaseOfficer", "Nyttig.Saksbehandler"}, []workflow.Role{workflow.CaseOfficer}},
		{"a single string", "Nyttig.Admin", []workflow.Role{workflow.Admin}},
		{"no claim", nil, []workflow.Role{}},
		{"not strings", []any{42, true, map[string]any{"x": "Nyttig.Admin"}}, []workflow.Role{}},
		{"case matters", []any{"nyttig.admin"}, []workflow.Role{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, MapRoles(strs(tc.claim), roleMap)); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOrigin(t *testing.T) {
	c := New(Config{Issuer: "https://login.microsoftonline.com/tenant/v2.0"}, nil)
	if got := c.Origin(); got != "https://login.microsoftonline.com" {
		t.Errorf("Origin %q", got)
	}
}
