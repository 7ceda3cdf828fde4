package api

import (
	_ "embed"
	"net/http"
	"slices"

	"nyttig/internal/grants"
	"nyttig/workflow"
)

//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(openAPI)
}

func implemented(e workflow.Event) bool { return slices.Contains(grants.Implemented, e) }
