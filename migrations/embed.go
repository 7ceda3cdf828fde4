// Package migrations holds Nyttig's database schema as plain SQL files, applied
// in name order by internal/store's migration runner.
package migrations

import "embed"

// Files are the migrations, named NNNN_description.sql.
//
//go:embed *.sql
var Files embed.FS
