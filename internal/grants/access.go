package grants

import (
	"context"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// access is what one user may do with one application, worked out once
// per request from their roles, their assignment and their declarations.
type access struct {
	owner bool
	// staff: case officers, decision makers and admins, unless conflicted.
	staff bool
	// reviewer: assigned and declared free of conflict; pending: assigned
	// but not yet declared, so they may only declare.
	reviewer, pending bool
	// conflicted: declared a conflict; they see nothing of the case again.
	conflicted bool
	// blind: a reviewer of a blind call, who must not learn who applied.
	blind bool
}

var msgDeclareFirst = i18n.T("Erklær om du er inhabil før du åpner søknaden.",
	"Declare whether you have a conflict of interest before opening the application.")

func (s *Service) accessTo(ctx context.Context, u model.User, a model.Application) (access, error) {
	if a.ApplicantID == u.ID {
		return access{owner: true}, nil
	}
	conflicted, err := s.Store.HasDeclaredConflict(ctx, a.ID, u.ID)
	if err != nil {
		return access{}, err
	}
	return s.accessWith(ctx, u, a, conflicted)
}

// accessWith is accessTo when whether u declared a conflict in a is
// already known (read with the application: store.ApplicationFor).
func (s *Service) accessWith(ctx context.Context, u model.User, a model.Application, conflicted bool) (access, error) {
	acc := access{owner: a.ApplicantID == u.ID}
	if acc.owner {
		return acc, nil
	}
	if conflicted {
		return access{conflicted: true}, nil
	}
	acc.staff = u.IsStaff() || u.Has(workflow.System)
	if u.Has(workflow.Reviewer) {
		as, ok, err := s.Store.Assignment(ctx, a.ID, u.ID)
		if err != nil {
			return acc, err
		}
		acc.reviewer = ok && as.Status == model.AssignmentActive
		acc.pending = ok && as.Status == model.AssignmentAssigned
	}
	if (acc.reviewer || acc.pending) && !acc.staff {
		call, err := s.Store.CallByID(ctx, a.CallID)
		if err != nil {
			return acc, err
		}
		acc.blind = call.BlindReview
	}
	return acc, nil
}

// mustSee is nil when the user may open the application.
func (acc access) mustSee() error {
	switch {
	case acc.owner || acc.staff || acc.reviewer:
		return nil
	case acc.pending:
		return apperr.New(apperr.Forbidden, msgDeclareFirst)
	}
	return apperr.New(apperr.NotFound, msgNoApplication)
}

// redact removes who applied from what a blind reviewer sees: the
// recipient's cost centre, organisation and account name them too.
func redact(a model.Application) model.Application {
	a.ApplicantID = 0
	a.Unit = ""
	a.Recipient = model.Recipient{}
	return a
}
