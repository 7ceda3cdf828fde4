package grants

import (
	"context"
	"slices"
	"strings"

	"github.com/minio/minio-go/v7"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// The public pages (no login): funded projects as the public may see them.
// PublicProject is the one place that redacts a project, so the pages and
// the JSON API cannot disagree on what is public.

// PublicProject is a funded project as published. An exempted field is
// nil and named in Exempted with its legal basis; its content never leaves
// the service.
type PublicProject struct {
	ID                 int64              `json:"id"`
	CaseNumber         string             `json:"case_number"`
	Fund               string             `json:"fund"`
	Year               int                `json:"year"`
	State              workflow.State     `json:"state"`
	StateLabel         i18n.Text          `json:"state_label"`
	Title              *string            `json:"title"`
	Summary            *string            `json:"summary"`
	Unit               *string            `json:"unit"`
	AmountOre          *money.Ore         `json:"amount_ore"`
	FinalReportSummary *string            `json:"final_report_summary"`
	Exempted           []PublicExemption  `json:"exempted"`
	Prize              *PublicPrize       `json:"prize"`
	Attachments        []PublicAttachment `json:"attachments,omitempty"`
}

// PublicExemption says that a field is exempted and under which law; the
// case officer's reason is not published.
type PublicExemption struct {
	Field      string `json:"field"`
	LegalBasis string `json:"legal_basis"`
	Citation   string `json:"citation"`
}

// PublicPrize is the innovation prize a project won or was mentioned for.
type PublicPrize struct {
	Year     int    `json:"year"`
	Rank     string `json:"rank"`
	Citation string `json:"citation"`
}

// PublicAttachment is an attachment a case officer published.
type PublicAttachment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// PublicPage is a page of the public list.
type PublicPage struct {
	Items    []PublicProject `json:"items"`
	Total    int             `json:"total"`
	Page     int             `json:"page"`
	PageSize int             `json:"page_size"`
}

// redactPublic turns a stored row into what the public sees: every
// exempted field left out. It is the only way to a PublicProject.
func redactPublic(r model.PublicRow) PublicProject {
	p := PublicProject{ID: r.ID, CaseNumber: r.CaseNumber, Fund: r.Fund, Year: r.Year, State: r.State,
		StateLabel: workflow.Application.StateLabel(r.State), Exempted: []PublicExemption{}}
	shown := func(field string) bool { return !slices.Contains(r.Exempted, field) }
	if shown(model.PublicTitle) {
		p.Title = &r.Title
	}
	if shown(model.PublicSummary) {
		p.Summary = &r.Summary
	}
	if shown(model.PublicUnit) {
		p.Unit = &r.Unit
	}
	if shown(model.PublicAmount) {
		p.AmountOre = &r.Amount
	}
	if shown(model.PublicFinalReportSummary) && strings.TrimSpace(r.FinalReportSummary) != "" {
		p.FinalReportSummary = &r.FinalReportSummary
	}
	for i, f := range r.Exempted {
		basis := ""
		if i < len(r.ExemptedBases) {
			basis = r.ExemptedBases[i]
		}
		p.Exempted = append(p.Exempted, PublicExemption{Field: f, LegalBasis: basis, Citation: model.LegalBasisLabel(basis)})
	}
	if r.PrizeRank != "" {
		p.Prize = &PublicPrize{Year: r.PrizeYear, Rank: r.PrizeRank, Citation: r.PrizeCitation}
	}
	return p
}

var msgBadPage = i18n.T("Siden må være et positivt tall.", "The page must be a positive number.")

// PublicProjects lists a page of the funded projects matching f, redacted.
func (s *Service) PublicProjects(ctx context.Context, f model.PublicFilter) (PublicPage, error) {
	f.Query = strings.TrimSpace(f.Query)
	f.Unit = strings.TrimSpace(f.Unit)
	fe := model.FieldErrors{}
	if !model.ValidText(f.Query) || len([]rune(f.Query)) > 200 {
		fe["q"] = i18n.T("Søket er for langt eller har ugyldige tegn.", "The search is too long or has invalid characters.")
	}
	if f.Year != 0 && (f.Year < 2000 || f.Year > 2200) {
		fe["year"] = i18n.T("Året er ikke gyldig.", "The year is not valid.")
	}
	if f.Page < 0 || f.Page > 100_000 {
		fe["page"] = msgBadPage
	}
	if len(fe) > 0 {
		return PublicPage{}, apperr.Fields(fe)
	}
	f.Page = max(f.Page, 1)
	rows, total, err := s.Store.PublicProjects(ctx, f)
	if err != nil {
		return PublicPage{}, err
	}
	page := PublicPage{Items: make([]PublicProject, 0, len(rows)), Total: total, Page: f.Page, PageSize: model.PublicPageSize}
	for _, r := range rows {
		page.Items = append(page.Items, redactPublic(r))
	}
	return page, nil
}

// PublicChoices lists the years and units the public list can be filtered by.
func (s *Service) PublicChoices(ctx context.Context) ([]int, []string, error) {
	return s.Store.PublicChoices(ctx)
}

// PublicProject returns one funded project, redacted, with its published
// attachments; any other application is not found.
func (s *Service) PublicProject(ctx context.Context, id int64) (PublicProject, error) {
	r, err := s.Store.PublicProject(ctx, id)
	if err != nil {
		return PublicProject{}, err
	}
	p := redactPublic(r)
	ats, err := s.Store.PublicAttachments(ctx, id)
	if err != nil {
		return p, err
	}
	p.Attachments = []PublicAttachment{}
	for _, a := range ats {
		p.Attachments = append(p.Attachments, PublicAttachment{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size})
	}
	return p, nil
}

// OpenPublicAttachment returns a published, not exempted attachment of a
// funded project and a reader of its bytes; any other is not found. The
// caller closes the reader.
func (s *Service) OpenPublicAttachment(ctx context.Context, id int64) (model.Attachment, *minio.Object, error) {
	notFound := apperr.New(apperr.NotFound, i18n.T("Fant ikke vedlegget.", "Attachment not found."))
	at, err := s.Store.Attachment(ctx, id)
	if err == nil {
		_, err = s.Store.PublicProject(ctx, at.ApplicationID)
	}
	if apperr.Is(err, apperr.NotFound) {
		return at, nil, notFound
	}
	if err != nil {
		return at, nil, err
	}
	published, err := s.Store.PublicAttachments(ctx, at.ApplicationID)
	if err != nil {
		return at, nil, err
	}
	if !slices.ContainsFunc(published, func(p model.Attachment) bool { return p.ID == id }) {
		return at, nil, notFound
	}
	obj, err := s.Blobs.Open(ctx, at.ObjectKey)
	if err != nil {
		return at, nil, storageDownRead(err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return at, nil, storageDownRead(err)
	}
	at.UploadedBy, at.UploaderName = 0, ""
	return at, obj, nil
}

// AllPublicProjects lists every funded project of a fund granted in year,
// redacted, oldest page first: what a public export (the annual summary)
// may show of them.
func (s *Service) AllPublicProjects(ctx context.Context, fundID int64, year int) ([]PublicProject, error) {
	out := []PublicProject{}
	for page := 1; ; page++ {
		p, err := s.PublicProjects(ctx, model.PublicFilter{FundID: fundID, Year: year, Page: page})
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if page*p.PageSize >= p.Total {
			return out, nil
		}
	}
}
