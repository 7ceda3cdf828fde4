package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

// The case officer's publication page of an application: which public
// fields and attachments are exempted under offentleglova §§ 13 and 14,
// with a reason, and which attachments are published.

func publicationPath(id int64) string { return appPath(id) + "/publication" }

// exemptRow is one field or attachment of the publication form. Key names
// its form fields: basis_<key>, reason_<key> and, for an attachment,
// publish_<key>.
type exemptRow struct {
	Key, Label                          string
	Attachment                          bool
	Basis, Reason                       string
	Publish                             bool
	BasisError, ReasonErr, PublishError string
}

// exemptArgs is what the exemptRow template needs: a row and the legal bases.
type exemptArgs struct {
	Row   exemptRow
	Bases []optionView
}

type publicationView struct {
	Action, CaseHref, Heading string
	Fields, Attachments       []exemptRow
	Bases                     []optionView
	Flash, Message            string
	Summary                   []summaryItem
}

func (s *site) publicationPage(w http.ResponseWriter, r *http.Request) error {
	return s.showPublication(w, r, nil, nil)
}

// savePublication replaces the application's publication setting with
// the form's.
func (s *site) savePublication(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ats, err := s.Grants.Attachments(r.Context(), u, id)
	if err != nil {
		return err
	}
	var in model.PublicationInput
	var keys []string // the form key of each exemption, by index
	add := func(key string, x model.ExemptionInput) {
		x.LegalBasis, x.Reason = r.PostFormValue("basis_"+key), r.PostFormValue("reason_"+key)
		if x.LegalBasis == "" && x.Reason == "" {
			return
		}
		in.Exemptions = append(in.Exemptions, x)
		keys = append(keys, key)
	}
	for _, f := range model.PublicFields {
		add(f, model.ExemptionInput{Field: f})
	}
	var published []string
	for _, a := range ats {
		key := "att_" + strconv.FormatInt(a.ID, 10)
		add(key, model.ExemptionInput{AttachmentID: a.ID})
		if r.PostFormValue("publish_"+key) != "" {
			in.PublicAttachments = append(in.PublicAttachments, a.ID)
			published = append(published, key)
		}
	}
	if _, err := s.Grants.PutPublication(r.Context(), u, id, in, httpx.RequestID(r.Context())); err != nil {
		if !apperr.Is(err, apperr.Invalid) {
			return err
		}
		return s.showPublication(w, r, apperr.As(err), formErrors(apperr.As(err).Fields, keys, published))
	}
	http.Redirect(w, r, publicationPath(id)+"?done=publication", http.StatusSeeOther)
	return nil
}

var exemptionField = regexp.MustCompile(`^(exemptions|public_attachments)\[(\d+)\](?:\.(\w+))?$`)

// formErrors maps the service's field names (exemptions[0].legal_basis)
// to the form's (basis_title).
func formErrors(fields map[string]i18n.Text, keys, published []string) map[string]i18n.Text {
	out := map[string]i18n.Text{}
	for name, t := range fields {
		m := exemptionField.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[2])
		switch {
		case m[1] == "public_attachments" && i < len(published):
			out["publish_"+published[i]] = t
		case m[1] == "exemptions" && i < len(keys) && m[3] == "reason":
			out["reason_"+keys[i]] = t
		case m[1] == "exemptions" && i < len(keys):
			out["basis_"+keys[i]] = t
		}
	}
	return out
}

func (s *site) showPublication(w http.ResponseWriter, r *http.Request, refused *apperr.Error, errs map[string]i18n.Text) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	ctx, lang := r.Context(), httpx.Lang(r)
	pub, err := s.Grants.Publication(ctx, u, id)
	if err != nil {
		return err
	}
	app, err := s.Grants.Application(ctx, u, id)
	if err != nil {
		return err
	}
	ats, err := s.Grants.Attachments(ctx, u, id)
	if err != nil {
		return err
	}
	v := publicationView{Action: publicationPath(id), CaseHref: appPath(id), Heading: sprintf(lang, "publication.heading", app.CaseNumber)}
	for _, b := range model.LegalBases {
		v.Bases = append(v.Bases, optionView{Value: b, Label: msg("publication.basis_" + b).In(lang)})
	}
	stored := map[string]model.Exemption{}
	for _, x := range pub.Exemptions {
		key := x.Field
		if x.AttachmentID != 0 {
			key = "att_" + strconv.FormatInt(x.AttachmentID, 10)
		}
		stored[key] = x
	}
	public := map[int64]bool{}
	for _, id := range pub.PublicAttachments {
		public[id] = true
	}
	row := func(key, label string, attachment bool, published bool) exemptRow {
		x := exemptRow{Key: key, Label: label, Attachment: attachment, Basis: stored[key].LegalBasis, Reason: stored[key].Reason, Publish: published}
		if refused != nil {
			x.Basis, x.Reason = r.PostFormValue("basis_"+key), r.PostFormValue("reason_"+key)
			x.Publish = r.PostFormValue("publish_"+key) != ""
		}
		x.BasisError, x.ReasonErr, x.PublishError = errs["basis_"+key].In(lang), errs["reason_"+key].In(lang), errs["publish_"+key].In(lang)
		for _, e := range []struct{ name, err, label string }{{"basis_", x.BasisError, "publication.basis"},
			{"reason_", x.ReasonErr, "publication.reason"}, {"publish_", x.PublishError, "publication.publish"}} {
			if e.err != "" {
				v.Summary = append(v.Summary, summaryItem{Href: "#f-" + e.name + key, Text: fmt.Sprintf("%s – %s: %s", label, msg(e.label).In(lang), e.err)})
			}
		}
		return x
	}
	for _, f := range model.PublicFields {
		v.Fields = append(v.Fields, row(f, msg("public.field_"+f).In(lang), false, false))
	}
	for _, a := range ats {
		v.Attachments = append(v.Attachments, row("att_"+strconv.FormatInt(a.ID, 10), a.Name, true, public[a.ID]))
	}
	status := http.StatusOK
	if refused != nil {
		status = apperr.Status(refused)
		v.Message = refused.Message.In(lang)
	} else if r.URL.Query().Get("done") == "publication" {
		v.Flash = msg("done.publication").In(lang)
	}
	return s.render(w, r, page{Status: status, Template: "publication", Title: v.Heading, Nav: "inbox", Data: v})
}
