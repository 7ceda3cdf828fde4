package api

import (
	"net/http"
	"strconv"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/notify"
)

// A user's own notifications and mail preferences. Nobody sees anyone
// else's: another user's notification is not found.

// notificationView is a notification with its text in the request's
// language and the path of the page it is about.
type notificationView struct {
	notify.Item
	Headline string `json:"headline"`
	Action   string `json:"action"`
	Link     string `json:"link"`
}

func viewNotification(it notify.Item, lang i18n.Lang) notificationView {
	return notificationView{Item: it, Headline: it.Headline().In(lang), Action: it.Action().In(lang), Link: it.Path()}
}

func (a *api) listNotifications(w http.ResponseWriter, r *http.Request, u model.User) error {
	q := r.URL.Query()
	bad := map[string]i18n.Text{}
	unread := false
	if v := q.Get("unread"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad["unread"] = i18n.T("Må være true eller false.", "Must be true or false.")
		}
		unread = b
	}
	var before int64
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			bad["before"] = i18n.T("Må være et positivt heltall.", "Must be a positive integer.")
		}
		before = n
	}
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			bad["limit"] = i18n.T("Må være mellom 1 og 200.", "Must be between 1 and 200.")
		}
		limit = n
	}
	if len(bad) > 0 {
		return &apperr.Error{Kind: apperr.BadRequest, Message: i18n.T("Ugyldige parametre.", "Invalid query parameters."), Fields: bad}
	}
	items, err := a.store.Notifications(r.Context(), u.ID, unread, before, limit)
	if err != nil {
		return err
	}
	count, err := a.store.UnreadCount(r.Context(), u.ID)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	out := struct {
		Items      []notificationView `json:"items"`
		Unread     int                `json:"unread"`
		NextBefore *int64             `json:"next_before"`
	}{Items: make([]notificationView, len(items)), Unread: count}
	for i, it := range items {
		out.Items[i] = viewNotification(it, lang)
	}
	if len(items) == limit {
		last := items[len(items)-1].ID
		out.NextBefore = &last
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) readNotification(w http.ResponseWriter, r *http.Request, u model.User) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	it, err := a.store.MarkRead(r.Context(), u.ID, id, a.grants.Now())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, viewNotification(it, httpx.Lang(r)))
	return nil
}

type preferences struct {
	Preferences map[notify.Kind]notify.Mode `json:"preferences"`
}

func (a *api) getPreferences(w http.ResponseWriter, r *http.Request, u model.User) error {
	p, err := a.store.Preferences(r.Context(), u.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, preferences{p})
	return nil
}

// putPreferences sets the modes of the kinds named; the others keep
// theirs. One unknown kind or mode refuses the whole request.
func (a *api) putPreferences(w http.ResponseWriter, r *http.Request, u model.User) error {
	var in struct {
		Preferences map[string]string `json:"preferences"`
	}
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Preferences == nil {
		return apperr.Fields(map[string]i18n.Text{"preferences": i18n.T("Oppgi minst én varseltype.", "Give at least one kind of notification.")})
	}
	set := make(map[notify.Kind]notify.Mode, len(in.Preferences))
	bad := map[string]i18n.Text{}
	for k, m := range in.Preferences {
		mode, err := notify.ParseMode(m)
		switch {
		case !notify.Known(notify.Kind(k)):
			bad["preferences."+k] = i18n.T("Ukjent varseltype.", "Unknown kind of notification.")
		case err != nil:
			bad["preferences."+k] = i18n.T("Velg immediately, digest eller off.", "Choose immediately, digest or off.")
		}
		set[notify.Kind(k)] = mode
	}
	if len(bad) > 0 {
		return apperr.Fields(bad)
	}
	if err := a.store.SetPreferences(r.Context(), u.ID, set); err != nil {
		return err
	}
	return a.getPreferences(w, r, u)
}

// failedJobs lists, for admins, the background jobs whose last attempt
// failed: retrying, or given up.
func (a *api) failedJobs(w http.ResponseWriter, r *http.Request, u model.User) error {
	jobs, err := a.grants.FailedJobs(r.Context(), u)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": jobs})
	return nil
}
