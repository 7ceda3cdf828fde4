package workflow

import (
	"slices"

	"nyttig/internal/i18n"
)

// Role is what a user may do in Nyttig. A user may hold several.
type Role string

const (
	Applicant         Role = "applicant"
	CaseOfficer       Role = "case_officer"
	Reviewer          Role = "reviewer"
	DecisionMaker     Role = "decision_maker"
	FinanceAttestant  Role = "finance_attestant"
	FinanceAuthoriser Role = "finance_authoriser"
	UnitLeader        Role = "unit_leader"
	Admin             Role = "admin"
	// System is the scheduler acting on deadlines. No user holds it.
	System Role = "system"
)

// Roles lists the roles a user can be given, in display order.
var Roles = []Role{Applicant, CaseOfficer, Reviewer, DecisionMaker, FinanceAttestant, FinanceAuthoriser, UnitLeader, Admin}

// ValidRole reports whether r can be given to a user.
func ValidRole(r Role) bool { return slices.Contains(Roles, r) }

// RoleLabels names each role in bokmål and English.
var RoleLabels = map[Role]i18n.Text{
	Applicant:         i18n.T("Søker / prosjektleder", "Applicant / project lead"),
	CaseOfficer:       i18n.T("Saksbehandler", "Case officer"),
	Reviewer:          i18n.T("Fagvurderer", "Reviewer"),
	DecisionMaker:     i18n.T("Beslutter", "Decision maker"),
	FinanceAttestant:  i18n.T("Attestant", "Finance attestant"),
	FinanceAuthoriser: i18n.T("Anviser", "Finance authoriser"),
	UnitLeader:        i18n.T("Enhetsleder", "Unit leader"),
	Admin:             i18n.T("Administrator", "Administrator"),
	System:            i18n.T("Systemet", "The system"),
}

// Actor is who fires an event, as the workflow sees them: their roles and
// their relation to the application.
type Actor struct {
	Roles []Role
	// Owner is true when the actor is the application's project lead.
	Owner bool
}

// Has reports whether the actor holds role r.
func (a Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }
