package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestProbe runs `nyttig probe` against a server on NYTTIG_ADDR: 0 when
// the path answers 200, 1 naming the status when it does not, 1 when
// nothing listens.
func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			_, _ = w.Write([]byte("ready\n"))
			return
		}
		http.Error(w, "object storage: unreachable", http.StatusServiceUnavailable)
	}))
	t.Setenv("NYTTIG_ADDR", strings.TrimPrefix(srv.URL, "http://"))
	probe := func(args ...string) (int, string) {
		var out bytes.Buffer
		code := Run(context.Background(), append([]string{"probe"}, args...), &out, &out)
		return code, out.String()
	}
	if code, out := probe(); code != 0 || !strings.Contains(out, "ready") {
		t.Errorf("a ready server: exit %d, %q", code, out)
	}
	if code, out := probe("--path", "/healthz"); code != 1 || !strings.Contains(out, "503") {
		t.Errorf("a 503: exit %d, %q", code, out)
	}
	srv.Close()
	if code, _ := probe(); code != 1 {
		t.Errorf("nothing listening: exit %d", code)
	}
}
