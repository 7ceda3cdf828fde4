package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/httpx"
	"nyttig/internal/model"
	"nyttig/internal/store"
)

// replay answers a retry whose first response was never saved (the server
// died between the commit of the effect and the saving of its response)
// from the current state of the resource the effect noted, as the route's
// handler answers: the same status, body type and Location.
type replay struct {
	kind   store.ResultKind
	answer func(w http.ResponseWriter, r *http.Request, u model.User, id int64) error
}

// replayAs is a replay that reads the resource with get (as the user of
// the retry, so access rules apply) and writes it with status; location,
// when set, gives the Location header.
func replayAs[T any](kind store.ResultKind, status int, get func(context.Context, model.User, int64) (T, error), location func(r *http.Request, v T) string) replay {
	return replay{kind: kind, answer: func(w http.ResponseWriter, r *http.Request, u model.User, id int64) error {
		v, err := get(r.Context(), u, id)
		if err != nil {
			return err
		}
		if location != nil {
			w.Header().Set("Location", location(r, v))
		}
		w.Header().Set("Idempotent-Replayed", "true")
		httpx.WriteJSON(w, status, v)
		return nil
	}}
}

// replays are the POST routes whose effect notes its result, by route
// pattern, with how each answers a retry from that result.
func (a *api) replays() map[string]replay {
	g := a.grants
	moved := replayAs(store.ResultApplication, http.StatusOK, g.Application, nil)
	return map[string]replay{
		"/applications": replayAs(store.ResultApplication, http.StatusCreated, g.Application,
			func(_ *http.Request, app model.Application) string {
				return "/api/v1/applications/" + strconv.FormatInt(app.ID, 10)
			}),
		"/applications/{id}/events/{event}": moved,
		"/applications/{id}/attachments": replayAs(store.ResultAttachment, http.StatusCreated, g.Attachment,
			func(_ *http.Request, at model.Attachment) string {
				return "/api/v1/attachments/" + strconv.FormatInt(at.ID, 10)
			}),
		"/reports/{id}/events/{event}": replayAs(store.ResultReport, http.StatusOK, g.Report, nil),
		"/payouts/{id}/events/{event}": replayAs(store.ResultPayout, http.StatusOK, g.Payout, nil),
		"/applications/{id}/clawbacks": replayAs(store.ResultClawback, http.StatusCreated, g.Clawback,
			func(r *http.Request, _ model.Clawback) string {
				return "/api/v1/applications/" + chi.URLParam(r, "id") + "/clawbacks"
			}),
		"/clawbacks/{id}/events/{event}": replayAs(store.ResultClawback, http.StatusOK, g.Clawback, nil),
		"/payout-exports": replayAs(store.ResultPayoutExport, http.StatusCreated, g.PayoutExport,
			func(_ *http.Request, x model.PayoutExport) string {
				return "/api/v1/payout-exports/" + strconv.FormatInt(x.ID, 10) + ".csv"
			}),
		"/calls": replayAs(store.ResultCall, http.StatusCreated, g.Call,
			func(_ *http.Request, c model.Call) string {
				return "/api/v1/calls/" + strconv.FormatInt(c.ID, 10)
			}),
		"/applications/{id}/reviewers": replayAs(store.ResultApplication, http.StatusOK,
			func(ctx context.Context, u model.User, id int64) (items[model.Assignment], error) {
				list, err := g.Assignments(ctx, u, id)
				return items[model.Assignment]{list}, err
			}, nil),
		"/applications/{id}/declarations": replayAs(store.ResultDeclaration, http.StatusCreated, g.Declaration, nil),
		"/applications/{id}/reviews/mine/submit": replayAs(store.ResultApplication, http.StatusOK,
			func(ctx context.Context, u model.User, id int64) (model.Review, error) {
				r, _, err := g.MyReview(ctx, u, id)
				return r, err
			}, nil),
		"/notifications/{id}/read": {kind: store.ResultNotification, answer: func(w http.ResponseWriter, r *http.Request, u model.User, id int64) error {
			it, err := a.store.Notification(r.Context(), u.ID, id)
			if err != nil {
				return err
			}
			w.Header().Set("Idempotent-Replayed", "true")
			httpx.WriteJSON(w, http.StatusOK, viewNotification(it, httpx.Lang(r)))
			return nil
		}},
	}
}

// items is the body of a route that answers a list: {"items": [...]}.
type items[T any] struct {
	Items []T `json:"items"`
}

// replayed reports whether r's route answers a retry from a noted result;
// a route that does not is looked up before it runs, and its response is
// saved before it is sent (api/idempotency.go).
func replayed(replays map[string]replay, r *http.Request) bool {
	_, ok := replays[routePattern(r)]
	return ok
}

// routeReplay is the replay of the route r was routed to, if it has one.
// The pattern is the API router's own (the last one chi matched), so it
// does not depend on where the API is mounted.
func routeReplay(replays map[string]replay, r *http.Request, kind store.ResultKind) (replay, bool) {
	rp, ok := replays[routePattern(r)]
	return rp, ok && rp.kind == kind
}

// routePattern is the pattern of the API route r was routed to, "" before
// routing.
func routePattern(r *http.Request) string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil || len(rctx.RoutePatterns) == 0 {
		return ""
	}
	return rctx.RoutePatterns[len(rctx.RoutePatterns)-1]
}
