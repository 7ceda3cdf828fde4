package seed

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// table collects the rows of one table for a bulk insert.
type table struct {
	name string
	cols []string
	rows [][]any
}

func newTable(name string, cols ...string) *table { return &table{name: name, cols: cols} }

func (t *table) add(vals ...any) {
	if len(vals) != len(t.cols) {
		panic(fmt.Sprintf("seed: %s takes %d values, got %d", t.name, len(t.cols), len(vals)))
	}
	t.rows = append(t.rows, vals)
}

// insert writes the rows with COPY into a temporary table of the columns and
// one INSERT … SELECT from it, so that identity columns can be given
// (OVERRIDING SYSTEM VALUE, which COPY lacks) and the table's triggers and
// constraints check every row as for any insert.
func (t *table) insert(ctx context.Context, tx pgx.Tx) error {
	if len(t.rows) == 0 {
		return nil
	}
	tmp := "bulk_" + t.name
	cols := strings.Join(t.cols, ", ")
	if _, err := tx.Exec(ctx, "CREATE TEMP TABLE "+tmp+" ON COMMIT DROP AS SELECT "+cols+" FROM "+t.name+" WITH NO DATA"); err != nil {
		return fmt.Errorf("seed: %s: %w", t.name, err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{tmp}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
		return fmt.Errorf("seed: copy %s: %w", t.name, err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO "+t.name+" ("+cols+") OVERRIDING SYSTEM VALUE SELECT "+cols+" FROM "+tmp+" ORDER BY 1"); err != nil {
		return fmt.Errorf("seed: insert %s: %w", t.name, err)
	}
	_, err := tx.Exec(ctx, "DROP TABLE "+tmp)
	return err
}

// ids reserves n values of a table's identity column.
func ids(ctx context.Context, tx pgx.Tx, tableName string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)", tableName, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// idPool hands out reserved ids in order.
type idPool struct {
	ids  []int64
	next int
}

func (p *idPool) take() int64 {
	id := p.ids[p.next]
	p.next++
	return id
}
