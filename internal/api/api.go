// Package api owns Nyttig's JSON API under /api/v1: its routes, request and
// response bodies, idempotent POSTs and the OpenAPI document that describes
// them. Handlers return errors; one wrapper renders them.
package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
)

type api struct {
	grants *grants.Service
	store  *store.Store
}

// handler is an API handler that returns its error instead of writing it.
type handler func(w http.ResponseWriter, r *http.Request) error

// authed wraps h: it requires a signed-in user and renders h's error.
func authed(h func(w http.ResponseWriter, r *http.Request, u model.User) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := httpx.User(r.Context())
		if !ok {
			httpx.WriteError(w, r, apperr.New(apperr.Unauthenticated, i18n.T(
				"Logg inn, eller send «Authorization: Bearer <token>».", "Log in, or send “Authorization: Bearer <token>”.")))
			return
		}
		if err := h(w, r, u); err != nil {
			httpx.WriteError(w, r, err)
		}
	}
}

func public(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			httpx.WriteError(w, r, err)
		}
	}
}

// Routes returns the API router, to be mounted at /api/v1. It is a
// chi.Router so that tests can walk its routes against the OpenAPI document.
func Routes(g *grants.Service, st *store.Store) chi.Router {
	a := &api{grants: g, store: st}
	r := chi.NewRouter()
	r.NotFound(public(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.NotFound, i18n.T("Ukjent adresse i API-et.", "No such API endpoint."))
	}))
	r.MethodNotAllowed(public(func(w http.ResponseWriter, r *http.Request) error {
		return &apperr.Error{Kind: apperr.BadRequest, Message: i18n.Tf("Metoden %s er ikke tillatt her.", "Method %s is not allowed here.", r.Method)}
	}))
	r.Get("/openapi.json", serveOpenAPI)
	r.Get("/workflow", public(a.workflow))
	r.Get("/public/projects", public(a.publicProjects))
	r.Get("/public/projects/{id}", public(a.publicProject))
	r.Group(func(r chi.Router) {
		r.Use(idempotent(st, a.replays()))
		r.Get("/me", authed(a.me))
		r.Get("/calls", authed(a.listCalls))
		r.Post("/calls", authed(a.createCall))
		r.Get("/applications", authed(a.listApplications))
		r.Post("/applications", authed(a.createApplication))
		r.Get("/applications/{id}", authed(a.getApplication))
		r.Patch("/applications/{id}", authed(a.patchApplication))
		r.Get("/applications/{id}/history", authed(a.history))
		r.Post("/applications/{id}/events/{event}", authed(a.fireEvent))
		r.Get("/applications/{id}/attachments", authed(a.listAttachments))
		r.Post("/applications/{id}/attachments", authed(a.uploadAttachment))
		r.Get("/attachments/{id}", authed(a.downloadAttachment))
		r.Delete("/attachments/{id}", authed(a.deleteAttachment))

		r.Get("/calls/{id}/rubric", authed(a.getRubric))
		r.Put("/calls/{id}/rubric", authed(a.putRubric))
		r.Post("/calls/{id}/reviewer-assignments", authed(a.autoAssign))
		r.Get("/calls/{id}/ranking", authed(readByID(a.grants.Ranking)))
		r.Post("/calls/{id}/decisions", authed(a.decideBatch))
		r.Get("/applications/{id}/reviewers", authed(a.listReviewers))
		r.Post("/applications/{id}/reviewers", authed(a.assignReviewers))
		r.Post("/applications/{id}/declarations", authed(a.declare))
		r.Get("/applications/{id}/reviews", authed(readByID(a.grants.Reviews)))
		r.Get("/applications/{id}/reviews/mine", authed(a.getMyReview))
		r.Put("/applications/{id}/reviews/mine", authed(a.putMyReview))
		r.Post("/applications/{id}/reviews/mine/submit", authed(a.submitMyReview))
		r.Get("/applications/{id}/recommendation", authed(a.getRecommendation))
		r.Put("/applications/{id}/recommendation", authed(a.putRecommendation))
		r.Get("/me/review-queue", authed(a.reviewQueue))
		r.Get("/funds/{id}/ledger", authed(a.ledger))

		r.Get("/applications/{id}/letters", authed(a.listLetters))
		r.Get("/applications/{id}/letter-preview", authed(a.letterPreview))
		r.Get("/letters/{id}", authed(a.downloadLetter))
		r.Get("/funds/{id}/letter-template", authed(readByID(a.grants.LetterTemplate)))
		r.Put("/funds/{id}/letter-template", authed(a.putLetterTemplate))
		r.Put("/funds/{id}/logo", authed(a.putFundLogo))

		r.Get("/payouts", authed(a.payoutQueue))
		r.Post("/payouts/{id}/events/{event}", authed(a.firePayout))
		r.Get("/applications/{id}/payouts", authed(a.listPayouts))
		r.Put("/applications/{id}/payout-plan", authed(a.putPayoutPlan))
		r.Put("/applications/{id}/recipient", authed(a.putRecipient))
		r.Get("/applications/{id}/clawbacks", authed(a.listClawbacks))
		r.Post("/applications/{id}/clawbacks", authed(a.raiseClawback))
		r.Post("/clawbacks/{id}/events/{event}", authed(a.fireClawback))
		r.Post("/payout-exports", authed(a.createPayoutExport))
		r.Get("/payout-exports/{id}.csv", authed(a.exportCSV))
		r.Get("/payout-exports/{id}.xlsx", authed(a.exportXLSX))

		r.Get("/applications/{id}/reports", authed(a.listReports))
		r.Get("/reports/overdue", authed(a.overdueReports))
		r.Put("/reports/{id}", authed(a.putReport))
		r.Post("/reports/{id}/events/{event}", authed(a.fireReport))
		r.Put("/applications/{id}/evaluation", authed(a.putEvaluation))

		r.Get("/notifications", authed(a.listNotifications))
		r.Post("/notifications/{id}/read", authed(a.readNotification))
		r.Get("/me/notification-preferences", authed(a.getPreferences))
		r.Put("/me/notification-preferences", authed(a.putPreferences))
		r.Get("/admin/failed-jobs", authed(a.failedJobs))
		r.Get("/applications/{id}/publication", authed(readByID(a.grants.Publication)))
		r.Put("/applications/{id}/publication", authed(a.putPublication))
		r.Get("/funds/{id}/prize/{year}/nominees", authed(a.prizeNominees))
		r.Put("/funds/{id}/prize/{year}", authed(a.putPrize))
		r.Get("/funds/{id}/annual-summary/{year}", authed(a.annualSummary))
		r.Post("/funds/{id}/annual-summary/{year}/publish", authed(a.publishSummary))
	})
	return r
}
