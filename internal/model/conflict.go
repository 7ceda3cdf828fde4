package model

import "strings"

// Conflict rule kinds. The kinds are code; which rules apply, and the
// pairs a municipality adds of its own, are rows of data.
const (
	RuleApplicant  = "applicant"   // the reviewer is the applicant
	RulePartner    = "partner"     // the reviewer is listed as a partner
	RuleSameUnit   = "same_unit"   // the reviewer works in the applicant's unit
	RuleLeader     = "leader"      // the reviewer is the applicant's leader
	RuleUnitPair   = "unit_pair"   // reviewers of one unit never review another unit's applications
	RulePersonPair = "person_pair" // a named reviewer never reviews a named applicant
)

// ConflictKinds lists the kinds a rule may have.
var ConflictKinds = []string{RuleApplicant, RulePartner, RuleSameUnit, RuleLeader, RuleUnitPair, RulePersonPair}

// ConflictParams are the parameters of the pair rules.
type ConflictParams struct {
	ReviewerUnit  string `json:"reviewer_unit,omitempty"`
	ApplicantUnit string `json:"applicant_unit,omitempty"`
	ReviewerID    int64  `json:"reviewer_id,omitempty"`
	ApplicantID   int64  `json:"applicant_id,omitempty"`
}

// ConflictRule is one rule of automatic conflicts of interest.
type ConflictRule struct {
	ID            int64          `json:"id"`
	Kind          string         `json:"kind"`
	Params        ConflictParams `json:"params"`
	Description   string         `json:"description"`
	DescriptionEN string         `json:"description_en"`
	Enabled       bool           `json:"enabled"`
}

func sameText(a, b string) bool {
	return strings.TrimSpace(a) != "" && strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// Applies reports whether the rule bars person from judging application a
// by applicant.
func (r ConflictRule) Applies(person User, a Application, applicant User) bool {
	if !r.Enabled {
		return false
	}
	switch r.Kind {
	case RuleApplicant:
		return person.ID == a.ApplicantID
	case RulePartner:
		for _, p := range a.Partners {
			if sameText(p, person.Name) || sameText(p, person.Email) {
				return true
			}
		}
	case RuleSameUnit:
		return sameText(person.Unit, a.Unit) || sameText(person.Unit, applicant.Unit)
	case RuleLeader:
		return applicant.LeaderID != nil && *applicant.LeaderID == person.ID
	case RuleUnitPair:
		return sameText(person.Unit, r.Params.ReviewerUnit) &&
			(sameText(a.Unit, r.Params.ApplicantUnit) || sameText(applicant.Unit, r.Params.ApplicantUnit))
	case RulePersonPair:
		return person.ID == r.Params.ReviewerID && a.ApplicantID == r.Params.ApplicantID
	}
	return false
}

// Conflicts returns the rules that bar person from application a.
func Conflicts(rules []ConflictRule, person User, a Application, applicant User) []ConflictRule {
	var out []ConflictRule
	for _, r := range rules {
		if r.Applies(person, a, applicant) {
			out = append(out, r)
		}
	}
	return out
}
