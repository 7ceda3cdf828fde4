package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
)

// The public pages' reads: funded projects as stored, with what is
// exempted from them. Redaction is grants.PublicProject's; these queries
// only make sure that a search or a filter never matches on exempted
// content.

// publicFrom is the funded projects (approved and onward) with their
// latest decision (an approval), their approved final report's summary,
// the fields exempted from them and their latest prize.
const publicFrom = ` FROM applications a
	JOIN calls c ON c.id = a.call_id
	JOIN funds f ON f.id = c.fund_id
	JOIN LATERAL (SELECT amount_ore, decided_at FROM decisions WHERE application_id = a.id ORDER BY id DESC LIMIT 1) d ON true
	LEFT JOIN reports r ON r.application_id = a.id AND r.kind = 'final' AND r.state = 'approved'
	LEFT JOIN LATERAL (SELECT array_agg(field ORDER BY field) AS fields, array_agg(legal_basis ORDER BY field) AS bases
		FROM publication_exemptions WHERE application_id = a.id AND field IS NOT NULL) x ON true
	LEFT JOIN LATERAL (SELECT rank, citation, year FROM prize_awards WHERE application_id = a.id ORDER BY year DESC LIMIT 1) p ON true
	WHERE a.state IN ('approved', 'accepted', 'final_report_submitted', 'completed')`

const publicColumns = `a.id, a.case_number, c.fund_id, f.name, a.state, a.title, a.summary, a.unit, d.amount_ore, d.decided_at,
	extract(year FROM d.decided_at AT TIME ZONE 'Europe/Oslo')::int, COALESCE(r.summary, ''),
	COALESCE(x.fields, '{}'), COALESCE(x.bases, '{}'), COALESCE(p.rank, ''), COALESCE(p.citation, ''), COALESCE(p.year, 0)`

// exempt is true when field is exempted from the row's project.
func exempt(field string) string {
	return `'` + field + `' = ANY(COALESCE(x.fields, '{}'))`
}

// publicText is the searchable text of a project without its exempted fields.
var publicText = `concat_ws(' ',
	CASE WHEN NOT ` + exempt(model.PublicTitle) + ` THEN a.title END,
	CASE WHEN NOT ` + exempt(model.PublicSummary) + ` THEN a.summary END,
	CASE WHEN NOT ` + exempt(model.PublicFinalReportSummary) + ` THEN r.summary END)`

// publicWhere filters by $1 (search), $2 (decision year), $3 (unit) and
// $4 (fund). The
// search first finds candidates through the full-text indexes on the
// application's and the final report's texts, then matches the public
// text alone, so that exempted words find nothing.
var publicWhere = `
	AND ($1 = '' OR (a.id IN (
			SELECT id FROM applications WHERE search @@ websearch_to_tsquery('norwegian', $1)
			UNION SELECT application_id FROM reports WHERE kind = 'final' AND to_tsvector('norwegian', summary) @@ websearch_to_tsquery('norwegian', $1))
		AND to_tsvector('norwegian', ` + publicText + `) @@ websearch_to_tsquery('norwegian', $1)))
	AND ($2 = 0 OR extract(year FROM d.decided_at AT TIME ZONE 'Europe/Oslo') = $2)
	AND ($3 = '' OR (a.unit = $3 AND NOT ` + exempt(model.PublicUnit) + `))
	AND ($4 = 0 OR c.fund_id = $4)`

func scanPublic(row pgx.Row, total *int) (model.PublicRow, error) {
	var p model.PublicRow
	dest := []any{&p.ID, &p.CaseNumber, &p.FundID, &p.Fund, &p.State, &p.Title, &p.Summary, &p.Unit, &p.Amount, &p.DecidedAt,
		&p.Year, &p.FinalReportSummary, &p.Exempted, &p.ExemptedBases, &p.PrizeRank, &p.PrizeCitation, &p.PrizeYear}
	if total != nil {
		dest = append(dest, total)
	}
	err := row.Scan(dest...)
	return p, translate(err)
}

// PublicProjects lists a page of the funded projects matching f, newest
// decision first, with how many match in all.
func (s *Store) PublicProjects(ctx context.Context, f model.PublicFilter) ([]model.PublicRow, int, error) {
	page := max(f.Page, 1)
	rows, err := s.pool.Query(ctx, "SELECT "+publicColumns+", count(*) OVER ()"+publicFrom+publicWhere+`
		ORDER BY d.decided_at DESC, a.id DESC LIMIT $5 OFFSET $6`,
		f.Query, f.Year, f.Unit, f.FundID, model.PublicPageSize, (page-1)*model.PublicPageSize)
	if err != nil {
		return nil, 0, translate(err)
	}
	defer rows.Close()
	out := []model.PublicRow{}
	total := 0
	for rows.Next() {
		p, err := scanPublic(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, translate(err)
	}
	if len(out) == 0 && page > 1 { // past the last page: count without a row to carry it
		err = s.pool.QueryRow(ctx, "SELECT count(*)"+publicFrom+publicWhere, f.Query, f.Year, f.Unit, f.FundID).Scan(&total)
	}
	return out, total, translate(err)
}

// PublicProject returns one funded project; any other application is not found.
func (s *Store) PublicProject(ctx context.Context, id int64) (model.PublicRow, error) {
	p, err := scanPublic(s.pool.QueryRow(ctx, "SELECT "+publicColumns+publicFrom+" AND a.id = $1", id), nil)
	if apperr.Is(err, apperr.NotFound) {
		return p, apperr.New(apperr.NotFound, i18n.T("Fant ikke prosjektet.", "Project not found."))
	}
	return p, err
}

// PublicChoices lists the decision years and the (not exempted) units of
// the funded projects, for the public list's filters.
func (s *Store) PublicChoices(ctx context.Context) (years []int, units []string, err error) {
	rows, err := s.pool.Query(ctx, "SELECT DISTINCT extract(year FROM d.decided_at AT TIME ZONE 'Europe/Oslo')::int"+publicFrom+" ORDER BY 1 DESC")
	if err != nil {
		return nil, nil, translate(err)
	}
	if years, err = pgx.CollectRows(rows, pgx.RowTo[int]); err != nil {
		return nil, nil, translate(err)
	}
	rows, err = s.pool.Query(ctx, "SELECT DISTINCT a.unit"+publicFrom+" AND a.unit <> '' AND NOT "+exempt(model.PublicUnit)+" ORDER BY 1")
	if err != nil {
		return nil, nil, translate(err)
	}
	units, err = pgx.CollectRows(rows, pgx.RowTo[string])
	return years, units, translate(err)
}

// PublicAttachments lists the attachments of an application a case
// officer has published and not exempted.
func (s *Store) PublicAttachments(ctx context.Context, appID int64) ([]model.Attachment, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+attachmentColumns+` FROM attachments t LEFT JOIN users u ON u.id = t.uploaded_by
		JOIN public_attachments pa ON pa.attachment_id = t.id
		WHERE t.application_id = $1 AND NOT EXISTS (SELECT 1 FROM publication_exemptions e WHERE e.attachment_id = t.id)
		ORDER BY t.id`, appID)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[model.Attachment])
	if out == nil {
		out = []model.Attachment{}
	}
	return out, translate(err)
}
