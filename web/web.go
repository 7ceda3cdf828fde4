// Package web owns Nyttig's server-rendered pages: signing in and out (with
// a password, or through single sign-on, whose protocol is internal/sso's),
// the choice of language, an applicant's own applications, their form and their
// attachments, the detail page with its lifecycle buttons, the case
// officers' inbox, and review and decision: the reviewers' queue, the
// declaration of impartiality, the review form, the calls with their
// ranking, the recommendation, the decision and the batch decision; the
// decision letters, the acceptance of a grant and appeals; the
// administrators' letter templates; and the money: finance's payout queue,
// a payout with its attestation and authorisation, an application's payout
// plan, recipient and claw-backs, and a fund's ledger; each user's
// notifications with their mail preferences; the public pages of funded
// projects (no login), an application's publication setting and the
// innovation prize; the annual summary with its downloads and
// publication, and the public list of published summaries. The pages are html/template files,
// one stylesheet and one small script for upload progress, embedded in
// the binary; every rule is the grants service's, the pages only show and
// ask.
package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"nyttig/internal/apperr"
	"nyttig/internal/grants"
	"nyttig/internal/sso"
	"nyttig/internal/store"
)

// Deps are what the pages need.
type Deps struct {
	Grants        *grants.Service
	Store         *store.Store
	SecureCookies bool
	// Now is the clock for sessions; nil means the grants service's clock.
	Now func() time.Time
	// SSO is single sign-on with the municipality's OpenID Connect
	// provider; nil when none is configured.
	SSO *sso.Client
	// PasswordLoginOff switches local password login off.
	PasswordLoginOff bool
}

// site is the pages' shared state.
type site struct {
	Deps
	pages pageSet
}

// New returns the pages' router.
func New(d Deps) http.Handler {
	s := &site{Deps: d, pages: mustParsePages()}
	r := chi.NewRouter()
	csp := contentSecurityPolicy
	if d.SSO != nil {
		// Logging out of a single sign-on session is a form post that
		// redirects to the provider; form-action covers redirects too.
		csp += " " + d.SSO.Origin()
	}
	r.Use(securityHeaders(csp), s.recoverPages, middleware.GetHead)
	r.NotFound(s.handle(func(http.ResponseWriter, *http.Request) error {
		return apperr.New(apperr.NotFound, msg("error.not_found"))
	}))
	r.MethodNotAllowed(s.handle(s.methodNotAllowed))
	r.Handle("/static/*", staticFiles())

	r.Get("/", s.handle(s.home))
	r.Get("/login", s.handle(s.loginPage))
	r.Post("/login", s.handle(s.login))
	r.Post("/logout", s.handle(s.logout))
	r.Get("/auth/login", s.handle(s.ssoLogin))
	r.Get("/auth/callback", s.handle(s.ssoCallback))
	r.Post("/language", s.handle(s.setLanguage))

	r.Get("/applications", s.handle(s.myApplications))
	r.Get("/applications/new", s.handle(s.newApplication))
	r.Post("/applications", s.handle(s.createApplication))
	r.Get("/applications/{id}", s.handle(s.applicationDetail))
	r.Get("/applications/{id}/edit", s.handle(s.editApplication))
	r.Post("/applications/{id}/edit", s.handle(s.updateApplication))
	r.Post("/applications/{id}/events/{event}", s.handle(s.fireEvent))
	r.Post("/applications/{id}/dismissal", s.handle(s.dismiss))

	r.Post("/applications/{id}/attachments", s.handle(s.uploadAttachment))
	r.Get("/attachments/{id}", s.handle(s.downloadAttachment))
	r.Post("/attachments/{id}/delete", s.handle(s.deleteAttachment))

	r.Get("/inbox", s.handle(s.inbox))
	r.Get("/reports/overdue", s.handle(s.overdueReports))
	r.Get("/admin/jobs", s.handle(s.failedJobs))
	r.Get("/reports/{id}", s.handle(s.reportPage))
	r.Post("/reports/{id}", s.handle(s.saveReport))
	r.Get("/evaluations", s.handle(s.evaluations))
	r.Get("/applications/{id}/evaluation", s.handle(s.evaluationPage))
	r.Post("/applications/{id}/evaluation", s.handle(s.saveEvaluation))

	r.Get("/reviews", s.handle(s.reviewQueue))
	r.Get("/applications/{id}/declaration", s.handle(s.declarationPage))
	r.Post("/applications/{id}/declaration", s.handle(s.declare))
	r.Get("/applications/{id}/review", s.handle(s.reviewPage))
	r.Post("/applications/{id}/review", s.handle(s.saveReview))
	r.Post("/applications/{id}/reviewers", s.handle(s.assignReviewer))

	r.Get("/calls", s.handle(s.calls))
	r.Post("/calls/{id}/reviewer-assignments", s.handle(s.autoAssign))
	r.Get("/calls/{id}/ranking", s.handle(s.ranking))
	r.Get("/calls/{id}/decisions", s.handle(s.batchPage))
	r.Post("/calls/{id}/decisions", s.handle(s.decideBatch))
	r.Get("/applications/{id}/recommendation", s.handle(s.recommendationPage))
	r.Post("/applications/{id}/recommendation", s.handle(s.saveRecommendation))
	r.Get("/applications/{id}/decision", s.handle(s.decisionPage))
	r.Post("/applications/{id}/decision", s.handle(s.decide))

	r.Get("/finance", s.handle(s.financeQueue))
	r.Get("/finance/exports", s.handle(s.exports))
	r.Post("/finance/exports", s.handle(s.createExport))
	r.Get("/finance/exports/{file}", s.handle(s.exportFile))
	r.Get("/payouts/{id}", s.handle(s.payoutPage))
	r.Post("/payouts/{id}", s.handle(s.firePayout))
	r.Get("/clawbacks/{id}", s.handle(s.clawbackPage))
	r.Post("/clawbacks/{id}", s.handle(s.fireClawback))
	r.Post("/applications/{id}/payout-plan", s.handle(s.savePayoutPlan))
	r.Post("/applications/{id}/recipient", s.handle(s.saveRecipient))
	r.Post("/applications/{id}/clawbacks", s.handle(s.raiseClawback))
	r.Get("/funds/{id}/ledger", s.handle(s.ledger))

	r.Get("/notifications", s.handle(s.notificationsList))
	r.Post("/notifications/read-all", s.handle(s.markAllNotificationsRead))
	r.Get("/notifications/{id}", s.handle(s.openNotification))
	r.Post("/notifications/{id}/read", s.handle(s.markNotificationRead))
	r.Get("/settings/notifications", s.handle(s.preferencesPage))
	r.Post("/settings/notifications", s.handle(s.savePreferences))
	r.Get("/public/projects", s.handle(s.publicProjects))
	r.Get("/public/projects/{id}", s.handle(s.publicProject))
	r.Get("/public/attachments/{id}", s.handle(s.publicAttachment))
	r.Get("/applications/{id}/publication", s.handle(s.publicationPage))
	r.Post("/applications/{id}/publication", s.handle(s.savePublication))
	r.Get("/funds/{id}/prize/{year}", s.handle(s.prizePage))
	r.Post("/funds/{id}/prize/{year}", s.handle(s.savePrize))

	r.Get("/letters/{id}", s.handle(s.downloadLetter))
	r.Get("/applications/{id}/letter-preview", s.handle(s.letterPreview))
	r.Get("/funds/{id}/letter-template", s.handle(s.letterTemplatePage))
	r.Post("/funds/{id}/letter-template", s.handle(s.saveLetterTemplate))

	s.summaryRoutes(r)
	s.publicSummaryRoutes(r)
	return r
}

// now is the time of the pages' clock.
func (s *site) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return s.Grants.Now()
}

// contentSecurityPolicy allows nothing but the site's own files: no inline
// script or style, no frames, no forms posting elsewhere.
const contentSecurityPolicy = "default-src 'self'; base-uri 'none'; object-src 'none'; " +
	"frame-ancestors 'none'; form-action 'self'"

// securityHeaders sets the headers every page and static file carries.
func securityHeaders(csp string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("X-Frame-Options", "DENY")
			next.ServeHTTP(w, r)
		})
	}
}
