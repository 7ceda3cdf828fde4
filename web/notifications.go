package web

import (
	"net/http"
	"net/url"
	"strconv"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/notify"
)

// notificationsPerPage is how many notifications one page of the list shows.
const notificationsPerPage = 50

// notificationsPath is the list of the signed-in user's notifications.
const notificationsPath = "/notifications"

// preferencesPath is the page of the user's mail preferences.
const preferencesPath = "/settings/notifications"

type notificationRow struct {
	ID                               int64
	Headline, Action, At, Time, Href string
	ReadAction                       string
	Unread                           bool
}

type notificationsView struct {
	Rows       []notificationRow
	Tabs       []financeTab
	UnreadOnly bool
	// Back is this page, for the forms on it to return to.
	Back  string
	Older string
	Flash string
}

// unreadCount is the number the header shows beside Varsler. The header
// is on every page, so a failing count must not fail the page: it is
// logged and the link shown without a number.
func (s *site) unreadCount(r *http.Request, userID int64) int {
	n, err := s.Store.UnreadCount(r.Context(), userID)
	if err != nil {
		httpx.LogIfFault(r, err)
		return 0
	}
	return n
}

// notificationsList shows the signed-in user's notifications, newest
// first, a page at a time: ?before=<id> continues after that one, and
// ?unread=1 shows only the unread.
func (s *site) notificationsList(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	q := r.URL.Query()
	unreadOnly := q.Get("unread") == "1"
	var before int64
	if b := q.Get("before"); b != "" {
		if before, err = httpx.IDParam(b); err != nil {
			return err
		}
	}
	// One more than a page tells whether there is an older page.
	items, err := s.Store.Notifications(r.Context(), u.ID, unreadOnly, before, notificationsPerPage+1)
	if err != nil {
		return err
	}
	v := notificationsView{UnreadOnly: unreadOnly, Back: listPath(unreadOnly, before),
		Tabs: []financeTab{
			{Href: listPath(false, 0), Label: msg("notifications.all").In(lang), Current: !unreadOnly},
			{Href: listPath(true, 0), Label: msg("notifications.unread_only").In(lang), Current: unreadOnly},
		}}
	if len(items) > notificationsPerPage {
		items = items[:notificationsPerPage]
		v.Older = listPath(unreadOnly, items[len(items)-1].ID)
	}
	for _, it := range items {
		v.Rows = append(v.Rows, notificationRow{ID: it.ID, Headline: it.Headline().In(lang), Action: it.Action().In(lang),
			At: osloTime(it.CreatedAt), Time: it.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
			Href: notificationPath(it.ID), ReadAction: notificationPath(it.ID) + "/read", Unread: it.ReadAt == nil})
	}
	if q.Get("done") == "all_read" {
		v.Flash = msg("done.all_read").In(lang)
	}
	return s.render(w, r, page{Template: "notifications", Title: msg("notifications.title").In(lang), Nav: "notifications", Data: v})
}

// listPath is the address of a page of the list.
func listPath(unreadOnly bool, before int64) string {
	q := url.Values{}
	if unreadOnly {
		q.Set("unread", "1")
	}
	if before != 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	}
	if len(q) == 0 {
		return notificationsPath
	}
	return notificationsPath + "?" + q.Encode()
}

func notificationPath(id int64) string { return notificationsPath + "/" + strconv.FormatInt(id, 10) }

// openNotification marks the notification read and goes on to its page.
// Marking is idempotent, so doing it on a GET is safe: the link in the
// list and in the mail both come here.
func (s *site) openNotification(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	it, err := s.Store.MarkRead(r.Context(), u.ID, id, s.now())
	if err != nil {
		return err
	}
	http.Redirect(w, r, it.Path(), http.StatusSeeOther)
	return nil
}

// markNotificationRead marks one notification read and returns to the
// list page the button was on.
func (s *site) markNotificationRead(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	if _, err := s.Store.MarkRead(r.Context(), u.ID, id, s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, listBack(r.PostFormValue("back"), ""), http.StatusSeeOther)
	return nil
}

// markAllNotificationsRead marks every notification of the user read.
func (s *site) markAllNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	if _, err := s.Store.MarkAllRead(r.Context(), u.ID, s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, listBack(r.PostFormValue("back"), "all_read"), http.StatusSeeOther)
	return nil
}

// listBack is the list page a form returns to: back when it is a page of
// the list, else the list's first page; done, when given, adds the flash.
func listBack(back, done string) string {
	u, err := url.Parse(localPath(back))
	if err != nil || u.Path != notificationsPath {
		u = &url.URL{Path: notificationsPath}
	}
	q := u.Query()
	q.Del("done")
	if done != "" {
		q.Set("done", done)
	}
	u.RawQuery, u.Fragment = q.Encode(), ""
	return u.String()
}

// prefGroup is one kind on the preferences page: its label and the three
// modes to choose between.
type prefGroup struct {
	Name, Legend, Err string
	Choices           []choiceView
}

type preferencesView struct {
	Groups  []prefGroup
	Flash   string
	Message string
	Summary []summaryItem
}

// preferencesPage shows the signed-in user's mail mode for every kind.
func (s *site) preferencesPage(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	prefs, err := s.Store.Preferences(r.Context(), u.ID)
	if err != nil {
		return err
	}
	chosen := make(map[notify.Kind]string, len(prefs))
	for k, m := range prefs {
		chosen[k] = string(m)
	}
	return s.showPreferences(w, r, chosen, nil)
}

// savePreferences stores a mode for every kind, or nothing: one unknown
// or missing mode shows the form again with the choices as posted.
func (s *site) savePreferences(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	prefs := make(map[notify.Kind]notify.Mode, len(notify.Kinds))
	posted := make(map[notify.Kind]string, len(notify.Kinds))
	bad := map[string]i18n.Text{}
	for _, k := range notify.Kinds {
		posted[k] = r.PostFormValue(string(k))
		m, err := notify.ParseMode(posted[k])
		if err != nil {
			bad[string(k)] = msg("prefs.bad_mode")
			continue
		}
		prefs[k] = m
	}
	if len(bad) > 0 {
		return s.showPreferences(w, r, posted, apperr.Fields(bad))
	}
	if err := s.Store.SetPreferences(r.Context(), u.ID, prefs); err != nil {
		return err
	}
	http.Redirect(w, r, preferencesPath+"?done=preferences_saved", http.StatusSeeOther)
	return nil
}

// showPreferences renders the form with chosen modes by kind (as stored,
// or as posted when bad says what was wrong).
func (s *site) showPreferences(w http.ResponseWriter, r *http.Request, chosen map[notify.Kind]string, bad *apperr.Error) error {
	lang := httpx.Lang(r)
	v := preferencesView{}
	errs := map[string]string{}
	if bad != nil {
		errs = translateFields(bad.Fields, lang)
		v.Message = msg("prefs.not_saved").In(lang)
	}
	for _, k := range notify.Kinds {
		g := prefGroup{Name: string(k), Legend: k.Label().In(lang), Err: errs[string(k)]}
		for _, m := range notify.Modes {
			g.Choices = append(g.Choices, choiceView{ID: "f-" + string(k) + "-" + string(m), Value: string(m),
				Label: notify.ModeLabel(m).In(lang), Checked: chosen[k] == string(m)})
		}
		if g.Err != "" {
			v.Summary = append(v.Summary, summaryItem{Href: "#" + g.Choices[0].ID, Text: g.Legend + ": " + g.Err})
		}
		v.Groups = append(v.Groups, g)
	}
	status := http.StatusOK
	if bad != nil {
		status = apperr.Status(bad)
	} else if r.URL.Query().Get("done") == "preferences_saved" {
		v.Flash = msg("done.preferences_saved").In(lang)
	}
	return s.render(w, r, page{Status: status, Template: "preferences", Title: msg("prefs.title").In(lang),
		Nav: "notifications", Data: v})
}
