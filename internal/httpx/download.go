package httpx

import (
	"net/http"
	"strconv"
)

// WriteDownload answers with b as a file to save, named name: generated
// content (an annual summary) that is neither cached nor sniffed.
func WriteDownload(w http.ResponseWriter, name, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", ContentDisposition(name))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
