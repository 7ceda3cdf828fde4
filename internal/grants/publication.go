package grants

import (
	"context"
	"strings"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
	"nyttig/workflow"
)

// Publication: a case officer (or an administrator) exempts fields and
// attachments of an application from the public pages under offentleglova
// §§ 13 and 14, and publishes attachments. Attachments are not public
// unless published.

var msgOfficersPublish = i18n.T("Bare saksbehandlere og administratorer kan endre hva som publiseres.",
	"Only case officers and administrators can change what is published.")

// mayPublish is nil when u may manage the publication of application id;
// whoever may not see it learns nothing of it.
func (s *Service) mayPublish(ctx context.Context, u model.User, id int64) error {
	if _, err := s.Application(ctx, u, id); err != nil {
		return err
	}
	if !u.Has(workflow.CaseOfficer) && !u.Has(workflow.Admin) {
		return apperr.New(apperr.Forbidden, msgOfficersPublish)
	}
	return nil
}

// Publication returns the publication setting of application id, for its
// case officers and administrators.
func (s *Service) Publication(ctx context.Context, u model.User, id int64) (model.Publication, error) {
	if err := s.mayPublish(ctx, u, id); err != nil {
		return model.Publication{}, err
	}
	return s.Store.Publication(ctx, id)
}

// PutPublication replaces the publication setting of application id. Bad
// input (an unknown field or legal basis, a missing reason, an attachment
// of another application) is refused with field errors and changes nothing.
func (s *Service) PutPublication(ctx context.Context, u model.User, id int64, in model.PublicationInput, requestID string) (model.Publication, error) {
	if err := s.mayPublish(ctx, u, id); err != nil {
		return model.Publication{}, err
	}
	for i := range in.Exemptions {
		x := &in.Exemptions[i]
		x.Field, x.LegalBasis, x.Reason = strings.TrimSpace(x.Field), strings.TrimSpace(x.LegalBasis), strings.TrimSpace(x.Reason)
	}
	ats, err := s.Store.Attachments(ctx, id)
	if err != nil {
		return model.Publication{}, err
	}
	ids := make([]int64, 0, len(ats))
	for _, a := range ats {
		ids = append(ids, a.ID)
	}
	if fe := in.Check(ids); len(fe) > 0 {
		return model.Publication{}, apperr.Fields(fe)
	}
	return s.Store.PutPublication(ctx, id, in, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(model.Application) error { return nil })
}
