package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/api"
	"nyttig/workflow"
)

// apiRoutes walks the API router and returns its endpoints as "METHOD /path",
// with chi's {param} written as OpenAPI writes it.
func apiRoutes(t *testing.T) []string {
	t.Helper()
	var out []string
	err := chi.Walk(api.Routes(nil, nil), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if route != "/" {
			route = strings.TrimSuffix(route, "/")
		}
		out = append(out, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatalf("walk routes: %v", err)
	}
	sort.Strings(out)
	if len(out) == 0 {
		t.Fatal("the API router has no routes")
	}
	return out
}

// openAPIDoc is the OpenAPI document, parsed.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operations returns the document's operations by "METHOD /path".
func operations(t *testing.T, doc map[string]any) map[string]map[string]any {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("openapi.json has no paths object")
	}
	ops := map[string]map[string]any{}
	for path, item := range paths {
		for key, op := range item.(map[string]any) {
			if slices.Contains(httpMethods, key) {
				ops[strings.ToUpper(key)+" "+path] = op.(map[string]any)
			}
		}
	}
	return ops
}

// resolve follows a local $ref ("#/components/...") until it reaches a
// value that is not a reference.
func resolve(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	for range 10 {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("not an object: %v", v)
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		v = pointer(t, doc, ref)
	}
	t.Fatalf("reference cycle at %v", v)
	return nil
}

func pointer(t *testing.T, doc map[string]any, ref string) any {
	t.Helper()
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		t.Fatalf("$ref %q is not local", ref)
	}
	var cur any = doc
	for _, part := range strings.Split(rest, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok || m[part] == nil {
			t.Fatalf("$ref %q does not resolve", ref)
		}
		cur = m[part]
	}
	return cur
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	routes := apiRoutes(t)
	ops := operations(t, openAPIDoc(t))
	for _, r := range routes {
		if ops[r] == nil {
			t.Errorf("the router serves %s, but openapi.json does not describe it", r)
		}
	}
	for op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("openapi.json describes %s, but the router does not serve it", op)
		}
	}
}

func TestOpenAPIDocument(t *testing.T) {
	doc := openAPIDoc(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	servers, _ := doc["servers"].([]any)
	if len(servers) != 1 || resolve(t, doc, servers[0])["url"] != "/api/v1" {
		t.Errorf("servers = %v, want one: /api/v1", servers)
	}
	checkRefs(t, doc, doc)

	errorSchema := "#/components/schemas/Error"
	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for name, op := range operations(t, doc) {
		method, path, _ := strings.Cut(name, " ")
		responses, ok := op["responses"].(map[string]any)
		if !ok {
			t.Errorf("%s has no responses", name)
			continue
		}
		errorResponses := 0
		for status, res := range responses {
			if code, err := strconv.Atoi(status); err == nil && code < 400 {
				continue
			}
			content, _ := resolve(t, doc, res)["content"].(map[string]any)
			media, _ := content["application/json"].(map[string]any)
			schema, _ := media["schema"].(map[string]any)
			if schema["$ref"] != errorSchema {
				t.Errorf("%s: response %s does not use %s", name, status, errorSchema)
				continue
			}
			errorResponses++
		}
		if errorResponses == 0 {
			t.Errorf("%s lists no error response", name)
		}

		params := map[string]bool{}
		item := doc["paths"].(map[string]any)[path].(map[string]any)
		for _, list := range []any{item["parameters"], op["parameters"]} {
			ps, _ := list.([]any)
			for _, p := range ps {
				p := resolve(t, doc, p)
				params[p["in"].(string)+":"+p["name"].(string)] = true
			}
		}
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			if !params["path:"+m[1]] {
				t.Errorf("%s does not describe its path parameter %q", name, m[1])
			}
		}
		if method == "POST" && !params["header:Idempotency-Key"] {
			t.Errorf("%s does not document the Idempotency-Key header", name)
		}
	}
}

// checkRefs fails for every $ref below v that does not resolve in doc.
func checkRefs(t *testing.T, doc map[string]any, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			pointer(t, doc, ref)
		}
		for _, x := range v {
			checkRefs(t, doc, x)
		}
	case []any:
		for _, x := range v {
			checkRefs(t, doc, x)
		}
	}
}

// TestOpenAPIEnumsMatchWorkflow keeps the document's states, events and
// roles equal to the workflow table's.
func TestOpenAPIEnumsMatchWorkflow(t *testing.T) {
	doc := openAPIDoc(t)
	enum := func(schema string) []string {
		s := resolve(t, doc, map[string]any{"$ref": "#/components/schemas/" + schema})
		var out []string
		for _, v := range s["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	var states, events, roles []string
	for _, s := range workflow.Application.States() {
		states = append(states, string(s.State))
	}
	for _, e := range workflow.Application.Events() {
		events = append(events, string(e))
	}
	for _, r := range append(slices.Clone(workflow.Roles), workflow.System) {
		roles = append(roles, string(r))
	}
	for _, c := range []struct {
		schema string
		want   []string
	}{{"State", states}, {"Event", events}, {"Role", roles}} {
		if got := enum(c.schema); !slices.Equal(got, c.want) {
			t.Errorf("schema %s enum = %v, want %v", c.schema, got, c.want)
		}
	}
	event := resolve(t, doc, map[string]any{"$ref": "#/components/parameters/Event"})
	if ref := event["schema"].(map[string]any)["$ref"]; ref != "#/components/schemas/Event" {
		t.Errorf("the event path parameter's schema is %v, want the Event enum", ref)
	}
}

// TestOpenAPIServed checks that the API serves the document, to anyone.
func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t)
	res := e.expect(t, req{method: "GET", path: "/openapi.json"}, http.StatusOK)
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var served map[string]any
	if err := json.Unmarshal(res.body, &served); err != nil {
		t.Fatalf("served document is not JSON: %v", err)
	}
	if served["openapi"] != openAPIDoc(t)["openapi"] {
		t.Errorf("served openapi = %v", served["openapi"])
	}
}
