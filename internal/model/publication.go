package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"nyttig/internal/i18n"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// Publication on the public pages (offentleglova): the fields of a funded
// project that are public unless exempted, the exemptions a case officer
// records with their legal basis, and the attachments they publish.

// The public fields a case officer may exempt.
const (
	PublicTitle              = "title"
	PublicSummary            = "summary"
	PublicUnit               = "unit"
	PublicAmount             = "amount"
	PublicFinalReportSummary = "final_report_summary"
)

// PublicFields are the fields of a funded project shown on the public
// pages unless exempted. Its state is always public.
var PublicFields = []string{PublicTitle, PublicSummary, PublicUnit, PublicAmount, PublicFinalReportSummary}

// Legal bases for exempting content from publication: offentleglova § 13
// (duty of confidentiality: personal details, business secrets) and § 14
// (internal documents, e.g. score sheets).
const (
	OfflConfidential = "offl_13"
	OfflInternal     = "offl_14"
)

// LegalBases are the legal bases an exemption may cite.
var LegalBases = []string{OfflConfidential, OfflInternal}

// LegalBasisLabel is how a legal basis is cited on a page.
func LegalBasisLabel(b string) string {
	switch b {
	case OfflConfidential:
		return "offl. § 13"
	case OfflInternal:
		return "offl. § 14"
	}
	return b
}

// EventPublication names the history row of a change of an application's
// publication; it changes nothing of the application's state.
const EventPublication = "publication_changed"

// ExemptionInput exempts one field or one attachment from publication.
type ExemptionInput struct {
	Field        string `json:"field,omitempty"`
	AttachmentID int64  `json:"attachment_id,omitempty"`
	LegalBasis   string `json:"legal_basis"`
	Reason       string `json:"reason"`
}

// PublicationInput is a case officer's whole publication setting of an
// application: what is exempted, and which attachments are published.
type PublicationInput struct {
	Exemptions        []ExemptionInput `json:"exemptions"`
	PublicAttachments []int64          `json:"public_attachments"`
}

// Exemption is a stored exemption.
type Exemption struct {
	ExemptionInput
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Publication is an application's stored publication setting.
type Publication struct {
	ApplicationID     int64       `json:"application_id"`
	Exemptions        []Exemption `json:"exemptions"`
	PublicAttachments []int64     `json:"public_attachments"`
}

// MaxExemptionReason is the longest reason of an exemption.
const MaxExemptionReason = 1000

// Check validates the input against the application's attachments:
// every exemption names one known field or one of the attachments, a
// known legal basis and a reason; nothing twice; no exempted attachment
// published.
func (in PublicationInput) Check(attachments []int64) FieldErrors {
	fe := FieldErrors{}
	seen := map[string]bool{}
	for i, x := range in.Exemptions {
		name := fmt.Sprintf("exemptions[%d]", i)
		key := x.Field
		switch {
		case (x.Field == "") == (x.AttachmentID == 0):
			fe.add(name+".field", i18n.T("Oppgi enten et felt eller et vedlegg.", "Give either a field or an attachment."))
		case x.Field != "" && !slices.Contains(PublicFields, x.Field):
			fe.add(name+".field", i18n.Tf("Ukjent felt. Gyldige felt er %s.", "Unknown field. Valid fields are %s.",
				strings.Join(PublicFields, ", ")))
		case x.AttachmentID != 0 && !slices.Contains(attachments, x.AttachmentID):
			fe.add(name+".attachment_id", msgNoSuchAttachment)
		default:
			if x.AttachmentID != 0 {
				key = fmt.Sprintf("attachment %d", x.AttachmentID)
			}
			if seen[key] {
				fe.add(name, i18n.T("Dette er alt unntatt.", "This is exempted already."))
			}
			seen[key] = true
		}
		if !slices.Contains(LegalBases, x.LegalBasis) {
			fe.add(name+".legal_basis", i18n.T("Ukjent hjemmel. Bruk offl_13 (offentleglova § 13) eller offl_14 (offentleglova § 14).",
				"Unknown legal basis. Use offl_13 (offentleglova § 13) or offl_14 (offentleglova § 14)."))
		}
		switch r := strings.TrimSpace(x.Reason); {
		case r == "":
			fe.add(name+".reason", i18n.T("Skriv en begrunnelse.", "Write a reason."))
		case !ValidText(r):
			fe.add(name+".reason", msgBadChars)
		case utf8.RuneCountInString(r) > MaxExemptionReason:
			fe.add(name+".reason", tooLong(MaxExemptionReason))
		}
	}
	published := map[int64]bool{}
	for i, id := range in.PublicAttachments {
		name := fmt.Sprintf("public_attachments[%d]", i)
		switch {
		case !slices.Contains(attachments, id):
			fe.add(name, msgNoSuchAttachment)
		case published[id]:
			fe.add(name, i18n.T("Vedlegget er oppgitt to ganger.", "The attachment is given twice."))
		case seen[fmt.Sprintf("attachment %d", id)]:
			fe.add(name, i18n.T("Et unntatt vedlegg kan ikke publiseres.", "An exempted attachment cannot be published."))
		}
		published[id] = true
	}
	return fe
}

var msgNoSuchAttachment = i18n.T("Søknaden har ikke dette vedlegget.", "The application has no such attachment.")

// PublicStates are the states of a funded project: granted, and onward.
var PublicStates = []workflow.State{workflow.Approved, workflow.Accepted, workflow.FinalReportSubmitted, workflow.Completed}

// PublicFilter narrows the public list of funded projects.
type PublicFilter struct {
	Query string // full-text search, Norwegian
	Year  int    // decision year in Oslo; 0 for all
	Unit  string
	// FundID narrows to one fund; 0 for all.
	FundID int64
	Page   int // from 1
}

// PublicPageSize is how many projects a page of the public list shows.
const PublicPageSize = 20

// PublicRow is a funded project as stored, before redaction: only
// grants.PublicProject may turn it into what the public sees.
type PublicRow struct {
	ID                 int64
	CaseNumber         string
	FundID             int64
	Fund               string
	State              workflow.State
	Title              string
	Summary            string
	Unit               string
	Amount             money.Ore
	DecidedAt          time.Time
	Year               int
	FinalReportSummary string
	Exempted           []string // fields
	ExemptedBases      []string // their legal bases, in the same order
	PrizeRank          string
	PrizeCitation      string
	PrizeYear          int
}
