package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/summary"
	"nyttig/workflow"
)

// summaryRoutes are the annual summary's pages for the people who run the
// fund: choosing a fund and year, downloading, and publishing.
func (s *site) summaryRoutes(r chi.Router) {
	r.Get("/summary", s.handle(s.summaryPage))
	r.Get("/summary/{id}/{file}", s.handle(s.summaryFile))
	r.Post("/summary/{id}/{year}/publish", s.handle(s.publishSummary))
}

type summaryDownload struct {
	Label, Href, Format string
}

type summaryView struct {
	Flash      string
	Funds      []stateOption
	Years      []stateOption
	Fund       string
	Year       int
	Figures    []ledgerLine
	Downloads  []summaryDownload
	CanPublish bool
	Published  bool
	PublishURL string
	PublicURL  string
}

// summaryPage shows a fund's year in a few figures with the summary's
// downloads; an admin may publish it.
func (s *site) summaryPage(w http.ResponseWriter, r *http.Request) error {
	u, err := signedIn(r)
	if err != nil {
		return err
	}
	if !u.IsStaff() {
		return apperr.New(apperr.Forbidden, msg("summary.staff_only"))
	}
	ctx := r.Context()
	lang := httpx.Lang(r)
	funds, err := s.Store.Funds(ctx)
	if err != nil {
		return err
	}
	if len(funds) == 0 {
		return s.render(w, r, page{Template: "summary", Title: msg("summary.title").In(lang), Nav: "summary", Data: summaryView{}})
	}
	fundID := funds[0].ID
	if q := r.URL.Query().Get("fund"); q != "" {
		if fundID, err = httpx.IDParam(q); err != nil {
			return err
		}
	}
	years, err := s.Grants.SummaryYears(ctx, u, fundID)
	if err != nil {
		return err
	}
	year, err := s.Grants.DefaultSummaryYear(ctx, fundID)
	if err != nil {
		return err
	}
	if q := r.URL.Query().Get("year"); q != "" {
		if year, err = strconv.Atoi(q); err != nil || year < 2000 || year > 2200 {
			return apperr.New(apperr.BadRequest, msg("error.bad_year"))
		}
	}
	f, err := s.Grants.AnnualSummary(ctx, u, fundID, year)
	if err != nil {
		return err
	}
	published, err := s.Store.SummaryPublished(ctx, fundID, year)
	if err != nil {
		return err
	}
	v := summaryView{Fund: f.Fund, Year: year, Published: published, CanPublish: u.Has(workflow.Admin)}
	for _, fd := range funds {
		v.Funds = append(v.Funds, stateOption{Value: strconv.FormatInt(fd.ID, 10), Label: fd.Name, Selected: fd.ID == fundID})
	}
	if !slices.Contains(years, year) {
		years = append(years, year)
		slices.SortFunc(years, func(a, b int) int { return b - a })
	}
	for _, y := range years {
		v.Years = append(v.Years, stateOption{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == year})
	}
	t := f.Totals
	v.Figures = []ledgerLine{
		{Label: msg("summary.received").In(lang), Amount: strconv.Itoa(t.Received)},
		{Label: msg("summary.granted").In(lang), Amount: strconv.Itoa(t.Granted())},
		{Label: msg("summary.rejected").In(lang), Amount: strconv.Itoa(t.Rejected + t.Dismissed)},
		{Label: msg("summary.granted_amount").In(lang), Amount: t.GrantedOre.String()},
		{Label: msg("summary.paid").In(lang), Amount: f.Ledger.Paid.String()},
	}
	base := "/summary/" + strconv.FormatInt(fundID, 10) + "/" + strconv.Itoa(year)
	for _, format := range summary.Formats {
		v.Downloads = append(v.Downloads, summaryDownload{Label: msg("summary.download_" + string(format)).In(lang),
			Href: base + "." + string(format), Format: strings.ToUpper(string(format))})
	}
	v.PublishURL = base + "/publish"
	v.PublicURL = publicSummaryPath(fundID, year)
	if r.URL.Query().Get("done") == "published" {
		v.Flash = msg("done.published").In(lang)
	}
	return s.render(w, r, page{Template: "summary", Title: msg("summary.title").In(lang), Nav: "summary", Data: v})
}

// summaryYearFile reads "2026.pdf" into the year and the format.
func summaryYearFile(file string, formats ...summary.Format) (int, summary.Format, error) {
	name, ext, _ := strings.Cut(file, ".")
	year, err := strconv.Atoi(name)
	format, ok := summary.ParseFormat(ext)
	if err != nil || ext == "" || !ok || !slices.Contains(formats, format) {
		return 0, "", apperr.New(apperr.NotFound, msg("error.not_found"))
	}
	return year, format, nil
}

// summaryFile downloads the summary in the page's language.
func (s *site) summaryFile(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	year, format, err := summaryYearFile(chi.URLParam(r, "file"), summary.Formats...)
	if err != nil {
		return err
	}
	f, err := s.Grants.AnnualSummary(r.Context(), u, id, year)
	if err != nil {
		return err
	}
	return writeSummary(w, f, format, httpx.Lang(r))
}

func writeSummary(w http.ResponseWriter, f summary.Figures, format summary.Format, lang i18n.Lang) error {
	b, err := summary.Render(f, format, lang)
	if err != nil {
		return apperr.Wrap(apperr.Internal, msg("error.internal"), err)
	}
	httpx.WriteDownload(w, summary.FileName(f, format), format.ContentType(), b)
	return nil
}

// publishSummary makes the year's summary public (admins).
func (s *site) publishSummary(w http.ResponseWriter, r *http.Request) error {
	u, id, err := signedInWithID(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	year, err := strconv.Atoi(chi.URLParam(r, "year"))
	if err != nil {
		return apperr.New(apperr.NotFound, msg("error.not_found"))
	}
	if _, err := s.Grants.PublishSummary(r.Context(), u, id, year); err != nil {
		return err
	}
	http.Redirect(w, r, "/summary?fund="+strconv.FormatInt(id, 10)+"&year="+strconv.Itoa(year)+"&done=published", http.StatusSeeOther)
	return nil
}
