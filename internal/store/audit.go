package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"nyttig/internal/money"
)

// The audit reads serve the consistency check (internal/check): raw sums
// and rows it recomputes independently of the queries the application
// itself runs. Each aggregates in SQL so the results stay small.

// FundYear is one fund's frame for one year.
type FundYear struct {
	FundID int64
	Year   int
	Frame  money.Ore
}

// FundYears lists every frame.
func (s *Store) FundYears(ctx context.Context) ([]FundYear, error) {
	return collect[FundYear](s.pool.Query(ctx, "SELECT fund_id, year, frame_ore FROM fund_budgets ORDER BY fund_id, year"))
}

// LedgerSum is the sum of one kind of ledger entry for a fund and year;
// Decided tells releases caused by a new decision from the others.
type LedgerSum struct {
	FundID  int64
	Year    int
	Kind    string
	Decided bool
	Amount  money.Ore
}

// LedgerSums sums the ledger's entries by fund, year and kind.
func (s *Store) LedgerSums(ctx context.Context) ([]LedgerSum, error) {
	return collect[LedgerSum](s.pool.Query(ctx, `SELECT fund_id, year, kind, decision_id IS NOT NULL, sum(amount_ore)
		FROM ledger_entries GROUP BY fund_id, year, kind, decision_id IS NOT NULL ORDER BY fund_id, year, kind`))
}

// ApplicationMoney is everything an application's money adds up to: its
// latest decision, its ledger entries by kind, its tranches and demands.
type ApplicationMoney struct {
	ID          int64
	CaseNumber  string
	State       string
	Outcome     string // of the latest decision; "" for none
	Granted     money.Ore
	Commitments money.Ore
	Releases    money.Ore
	Payments    money.Ore
	Repayments  money.Ore
	Tranches    int
	PlanTotal   money.Ore
	Cancelled   money.Ore
	Demanded    money.Ore
}

// MoneyByApplication lists the money of every application that has a
// decision, a ledger entry, a tranche or a demand.
func (s *Store) MoneyByApplication(ctx context.Context) ([]ApplicationMoney, error) {
	return collect[ApplicationMoney](s.pool.Query(ctx, `
		WITH latest AS (
			SELECT DISTINCT ON (application_id) application_id, outcome, amount_ore FROM decisions ORDER BY application_id, id DESC
		), entries AS (
			SELECT application_id,
				sum(amount_ore) FILTER (WHERE kind = 'commitment') AS commitments,
				sum(amount_ore) FILTER (WHERE kind = 'release') AS releases,
				sum(amount_ore) FILTER (WHERE kind = 'payment') AS payments,
				sum(amount_ore) FILTER (WHERE kind = 'repayment') AS repayments
			FROM ledger_entries GROUP BY application_id
		), tranches AS (
			SELECT application_id, count(*) AS n, sum(amount_ore) AS total,
				sum(amount_ore) FILTER (WHERE state = 'cancelled') AS cancelled
			FROM payouts GROUP BY application_id
		), demands AS (
			SELECT application_id, sum(amount_ore) AS demanded FROM clawbacks GROUP BY application_id
		)
		SELECT a.id, a.case_number, a.state, COALESCE(l.outcome, ''), COALESCE(l.amount_ore, 0),
			COALESCE(e.commitments, 0), COALESCE(e.releases, 0), COALESCE(e.payments, 0), COALESCE(e.repayments, 0),
			COALESCE(t.n, 0), COALESCE(t.total, 0), COALESCE(t.cancelled, 0), COALESCE(d.demanded, 0)
		FROM applications a
			LEFT JOIN latest l ON l.application_id = a.id
			LEFT JOIN entries e ON e.application_id = a.id
			LEFT JOIN tranches t ON t.application_id = a.id
			LEFT JOIN demands d ON d.application_id = a.id
		WHERE l.application_id IS NOT NULL OR e.application_id IS NOT NULL OR t.application_id IS NOT NULL OR d.application_id IS NOT NULL
		ORDER BY a.id`))
}

// Booked is one tranche or demand and the ledger entries that book it.
type Booked struct {
	ID            int64
	ApplicationID int64
	CaseNumber    string
	State         string
	Amount        money.Ore
	// Booked counts and sums the payments of a tranche, the repayments of
	// a demand; Released the releases of a cancelled tranche.
	Booked      int
	BookedSum   money.Ore
	Released    int
	ReleasedSum money.Ore
}

// BookedTranches lists every tranche that is paid or cancelled or has a
// ledger entry, with its payments and releases.
func (s *Store) BookedTranches(ctx context.Context) ([]Booked, error) {
	return collect[Booked](s.pool.Query(ctx, `SELECT p.id, p.application_id, a.case_number, p.state, p.amount_ore,
			count(e.id) FILTER (WHERE e.kind = 'payment'), COALESCE(sum(e.amount_ore) FILTER (WHERE e.kind = 'payment'), 0),
			count(e.id) FILTER (WHERE e.kind = 'release'), COALESCE(sum(e.amount_ore) FILTER (WHERE e.kind = 'release'), 0)
		FROM payouts p JOIN applications a ON a.id = p.application_id LEFT JOIN ledger_entries e ON e.payout_id = p.id
		GROUP BY p.id, a.case_number
		HAVING p.state IN ('paid', 'cancelled') OR count(e.id) > 0 ORDER BY p.id`))
}

// BookedDemands lists every demand that is repaid or has a ledger entry,
// with its repayments.
func (s *Store) BookedDemands(ctx context.Context) ([]Booked, error) {
	return collect[Booked](s.pool.Query(ctx, `SELECT c.id, c.application_id, a.case_number, c.state, c.amount_ore,
			count(e.id), COALESCE(sum(e.amount_ore), 0), 0, 0::bigint
		FROM clawbacks c JOIN applications a ON a.id = c.application_id LEFT JOIN ledger_entries e ON e.clawback_id = c.id
		GROUP BY c.id, a.case_number
		HAVING c.state = 'repaid' OR count(e.id) > 0 ORDER BY c.id`))
}

// Versions is a subject (application, payout, claw-back) whose versioned
// history rows are not exactly 1..Version.
type Versions struct {
	Subject string
	ID      int64
	Version int
	Rows    int
	Min     int
	Max     int
}

// VersionGaps lists the subjects whose history does not number their
// versions one to one.
func (s *Store) VersionGaps(ctx context.Context) ([]Versions, error) {
	return collect[Versions](s.pool.Query(ctx, `
		SELECT 'application', a.id, a.version, count(e.version)::int, COALESCE(min(e.version), 0), COALESCE(max(e.version), 0)
		FROM applications a LEFT JOIN application_events e ON e.application_id = a.id AND e.version IS NOT NULL
		GROUP BY a.id HAVING count(e.version) <> a.version OR COALESCE(min(e.version), 0) <> 1 OR COALESCE(max(e.version), 0) <> a.version
		UNION ALL
		SELECT 'payout', p.id, p.version, count(e.version)::int, COALESCE(min(e.version), 0), COALESCE(max(e.version), 0)
		FROM payouts p LEFT JOIN payout_events e ON e.payout_id = p.id
		GROUP BY p.id HAVING count(e.version) <> p.version OR COALESCE(min(e.version), 0) <> 1 OR COALESCE(max(e.version), 0) <> p.version
		UNION ALL
		SELECT 'clawback', c.id, c.version, count(e.version)::int, COALESCE(min(e.version), 0), COALESCE(max(e.version), 0)
		FROM clawbacks c LEFT JOIN clawback_events e ON e.clawback_id = c.id
		GROUP BY c.id HAVING count(e.version) <> c.version OR COALESCE(min(e.version), 0) <> 1 OR COALESCE(max(e.version), 0) <> c.version
		UNION ALL
		SELECT 'report', r.id, r.version, count(e.version)::int, COALESCE(min(e.version), 0), COALESCE(max(e.version), 0)
		FROM reports r LEFT JOIN report_events e ON e.report_id = r.id
		GROUP BY r.id HAVING count(e.version) <> r.version OR COALESCE(min(e.version), 0) <> 1 OR COALESCE(max(e.version), 0) <> r.version`))
}

// Edge is one kind of step found in a history: its event and states, how
// often it occurs, and the first row showing it.
type Edge struct {
	Subject   string
	Event     string
	From      string
	To        string
	Versioned bool
	Count     int
	FirstID   int64
}

// HistoryEdges lists the distinct steps of every history table.
func (s *Store) HistoryEdges(ctx context.Context) ([]Edge, error) {
	return collect[Edge](s.pool.Query(ctx, `
		SELECT 'application', event, from_state, to_state, version IS NOT NULL, count(*)::int, min(id)
		FROM application_events GROUP BY event, from_state, to_state, version IS NOT NULL
		UNION ALL
		SELECT 'payout', event, from_state, to_state, true, count(*)::int, min(id)
		FROM payout_events GROUP BY event, from_state, to_state
		UNION ALL
		SELECT 'clawback', event, from_state, to_state, true, count(*)::int, min(id)
		FROM clawback_events GROUP BY event, from_state, to_state
		UNION ALL
		SELECT 'report', event, from_state, to_state, true, count(*)::int, min(id)
		FROM report_events GROUP BY event, from_state, to_state
		ORDER BY 1, 2, 3, 4`))
}

// Break is a place where a history does not follow on: a row that does not
// start where the version before it ended, or a subject whose state is not
// where its last row ended.
type Break struct {
	Subject string
	ID      int64
	Version int
	Want    string
	Got     string
}

// HistoryBreaks lists where a history does not follow on.
func (s *Store) HistoryBreaks(ctx context.Context) ([]Break, error) {
	return collect[Break](s.pool.Query(ctx, `
		SELECT 'application', e.application_id, e.version, p.to_state, e.from_state
		FROM application_events e JOIN application_events p ON p.application_id = e.application_id AND p.version = e.version - 1
		WHERE e.from_state <> p.to_state
		UNION ALL
		SELECT 'application', a.id, a.version, a.state, e.to_state
		FROM applications a JOIN application_events e ON e.application_id = a.id AND e.version = a.version WHERE e.to_state <> a.state
		UNION ALL
		SELECT 'payout', e.payout_id, e.version, p.to_state, e.from_state
		FROM payout_events e JOIN payout_events p ON p.payout_id = e.payout_id AND p.version = e.version - 1
		WHERE e.from_state <> p.to_state
		UNION ALL
		SELECT 'payout', x.id, x.version, x.state, e.to_state
		FROM payouts x JOIN payout_events e ON e.payout_id = x.id AND e.version = x.version WHERE e.to_state <> x.state
		UNION ALL
		SELECT 'clawback', e.clawback_id, e.version, p.to_state, e.from_state
		FROM clawback_events e JOIN clawback_events p ON p.clawback_id = e.clawback_id AND p.version = e.version - 1
		WHERE e.from_state <> p.to_state
		UNION ALL
		SELECT 'clawback', x.id, x.version, x.state, e.to_state
		FROM clawbacks x JOIN clawback_events e ON e.clawback_id = x.id AND e.version = x.version WHERE e.to_state <> x.state
		UNION ALL
		SELECT 'report', e.report_id, e.version, p.to_state, e.from_state
		FROM report_events e JOIN report_events p ON p.report_id = e.report_id AND p.version = e.version - 1
		WHERE e.from_state <> p.to_state
		UNION ALL
		SELECT 'report', x.id, x.version, x.state, e.to_state
		FROM reports x JOIN report_events e ON e.report_id = x.id AND e.version = x.version WHERE e.to_state <> x.state
		ORDER BY 1, 2, 3`))
}

// StoredObject is a row that refers to an object in object storage.
type StoredObject struct {
	Kind string // attachment or letter
	ID   int64
	Key  string
}

// EachStoredObject calls fn for every attachment and letter row's object,
// in order, until fn returns an error. The keys are read first, so fn may
// take its time (a call to object storage) without holding a connection.
func (s *Store) EachStoredObject(ctx context.Context, fn func(StoredObject) error) error {
	rows, err := s.pool.Query(ctx, `SELECT 'attachment', id, object_key FROM attachments
		UNION ALL SELECT 'letter', id, object_key FROM letters ORDER BY 1, 2`)
	if err != nil {
		return translate(err)
	}
	objects, err := pgx.CollectRows(rows, pgx.RowToStructByPos[StoredObject])
	if err != nil {
		return translate(err)
	}
	for _, o := range objects {
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

// ExportTotals is an ERP export batch's recorded count and total beside
// those of the tranches that name it, and how many of them are not paid.
type ExportTotals struct {
	ID         int64
	Count      int
	Total      money.Ore
	Tranches   int
	TrancheSum money.Ore
	Unpaid     int
}

// ExportTotals lists every export batch with its tranches' figures.
func (s *Store) ExportTotals(ctx context.Context) ([]ExportTotals, error) {
	return collect[ExportTotals](s.pool.Query(ctx, `SELECT x.id, x.count, x.total_ore, count(p.id), COALESCE(sum(p.amount_ore), 0),
		count(p.id) FILTER (WHERE p.state <> 'paid')
		FROM payout_exports x LEFT JOIN payouts p ON p.export_id = x.id GROUP BY x.id ORDER BY x.id`))
}

func collect[T any](rows pgx.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[T])
	return out, translate(err)
}

// UnsentNotification is a notification to be mailed at once that is
// neither mailed nor waiting in the job queue: its mail was lost or given
// up.
type UnsentNotification struct {
	ID     int64
	UserID int64
	Kind   string
}

// UnsentNotifications lists them.
func (s *Store) UnsentNotifications(ctx context.Context) ([]UnsentNotification, error) {
	return collect[UnsentNotification](s.pool.Query(ctx, `SELECT n.id, n.user_id, n.kind FROM notifications n
		WHERE n.mail = 'immediately' AND n.mailed_at IS NULL AND NOT EXISTS (SELECT 1 FROM river_job j
			WHERE j.kind = 'deliver_mail' AND (j.args->>'notification_id')::bigint = n.id AND j.state NOT IN ('discarded', 'cancelled'))
		ORDER BY n.id`))
}
