package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// Every response a test gets through env.do is checked against the
// OpenAPI document: its operation must list the status, and a JSON body
// must match the documented schema. The checker knows the part of JSON
// Schema the document uses.

var (
	specOnce sync.Once
	spec     map[string]any
	specErr  error
)

func loadSpec() (map[string]any, error) {
	specOnce.Do(func() {
		b, err := os.ReadFile("openapi.json")
		if err != nil {
			specErr = err
			return
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		specErr = dec.Decode(&spec)
	})
	return spec, specErr
}

// documentedOperation finds the operation serving method and path (below
// /api/v1, without the query), preferring the template with the most
// literal segments.
func documentedOperation(doc map[string]any, method, path string) (map[string]any, bool) {
	paths, _ := doc["paths"].(map[string]any)
	var best map[string]any
	bestLiterals := -1
	for tmpl, item := range paths {
		op, ok := item.(map[string]any)[strings.ToLower(method)].(map[string]any)
		if !ok {
			continue
		}
		re := "^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), `[^/]+`) + "$"
		if !regexp.MustCompile(re).MatchString(path) {
			continue
		}
		if n := strings.Count(tmpl, "/") - strings.Count(tmpl, "{"); n > bestLiterals {
			best, bestLiterals = op, n
		}
	}
	return best, best != nil
}

// checkDocumented fails t when res is not what the document says the
// operation of q answers.
func checkDocumented(t testing.TB, q req, res response) {
	t.Helper()
	doc, err := loadSpec()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	path, _, _ := strings.Cut(q.path, "?")
	op, ok := documentedOperation(doc, q.method, path)
	if !ok {
		return // no such operation: the router's 404 or 405, checked by the tests that ask for it
	}
	responses, _ := op["responses"].(map[string]any)
	documented, ok := responses[strconv.Itoa(res.status)]
	if !ok {
		t.Errorf("%s %s answered %d, which openapi.json does not list for %s %s", q.method, q.path, res.status, q.method, path)
		return
	}
	content, _ := derefSchema(doc, documented)["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	schema, ok := media["schema"]
	if !ok || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.UseNumber()
	var body any
	if err := dec.Decode(&body); err != nil {
		t.Errorf("%s %s: the body is not JSON: %v", q.method, q.path, err)
		return
	}
	if problems := validate(doc, schema, body, "$"); len(problems) > 0 {
		t.Errorf("%s %s answered %d with a body that does not match openapi.json:\n  %s\n%s",
			q.method, q.path, res.status, strings.Join(problems, "\n  "), res.body)
	}
}

func derefSchema(doc map[string]any, v any) map[string]any {
	for range 10 {
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var cur any = doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(map[string]any)[part]
		}
		v = cur
	}
	return nil
}

// validate lists how v fails schema, each problem prefixed by where.
func validate(doc map[string]any, schema, v any, where string) []string {
	s := derefSchema(doc, schema)
	if s == nil {
		return []string{where + ": unresolvable schema"}
	}
	var out []string
	fail := func(format string, args ...any) { out = append(out, where+": "+fmt.Sprintf(format, args...)) }
	for _, sub := range list(s["allOf"]) {
		out = append(out, validate(doc, sub, v, where)...)
	}
	if alts := list(s["anyOf"]); len(alts) > 0 && matching(doc, alts, v, where) == 0 {
		fail("matches none of anyOf")
	}
	if alts := list(s["oneOf"]); len(alts) > 0 {
		if n := matching(doc, alts, v, where); n != 1 {
			fail("matches %d of oneOf, want 1", n)
		}
	}
	if types := typesOf(s["type"]); len(types) > 0 && !slices.Contains(types, jsonType(v)) &&
		!(jsonType(v) == "integer" && slices.Contains(types, "number")) {
		fail("is %s, want %v", jsonType(v), types)
		return out
	}
	if enum := list(s["enum"]); len(enum) > 0 && !slices.ContainsFunc(enum, func(e any) bool { return sameJSON(e, v) }) {
		fail("%v is not one of %v", v, enum)
	}
	if c, ok := s["const"]; ok && !sameJSON(c, v) {
		fail("%v is not %v", v, c)
	}
	switch v := v.(type) {
	case json.Number:
		n, _ := new(big.Rat).SetString(v.String())
		if m, ok := s["minimum"].(json.Number); ok && n.Cmp(rat(m)) < 0 {
			fail("%s is below the minimum %s", v, m)
		}
		if m, ok := s["maximum"].(json.Number); ok && n.Cmp(rat(m)) > 0 {
			fail("%s is above the maximum %s", v, m)
		}
	case string:
		if m, ok := s["minLength"].(json.Number); ok && int64(utf8.RuneCountInString(v)) < num(m) {
			fail("%q is shorter than %s", v, m)
		}
		if m, ok := s["maxLength"].(json.Number); ok && int64(utf8.RuneCountInString(v)) > num(m) {
			fail("%q is longer than %s", v, m)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(v) {
			fail("%q does not match %s", v, p)
		}
	case []any:
		if m, ok := s["minItems"].(json.Number); ok && int64(len(v)) < num(m) {
			fail("has %d items, fewer than %s", len(v), m)
		}
		if m, ok := s["maxItems"].(json.Number); ok && int64(len(v)) > num(m) {
			fail("has %d items, more than %s", len(v), m)
		}
		if items, ok := s["items"]; ok {
			for i, x := range v {
				out = append(out, validate(doc, items, x, fmt.Sprintf("%s[%d]", where, i))...)
			}
		}
	case map[string]any:
		for _, r := range list(s["required"]) {
			if _, ok := v[r.(string)]; !ok {
				fail("lacks the required %q", r)
			}
		}
		props, _ := s["properties"].(map[string]any)
		evaluated := evaluatedProperties(doc, s)
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := props[k]; ok {
				out = append(out, validate(doc, p, v[k], where+"."+k)...)
				continue
			}
			switch extra := s["additionalProperties"].(type) {
			case bool:
				if !extra {
					fail("has %q, which the schema does not describe", k)
				}
				continue
			case map[string]any:
				out = append(out, validate(doc, extra, v[k], where+"."+k)...)
				continue
			}
			if s["unevaluatedProperties"] == false && !evaluated[k] {
				fail("has %q, which the schema does not describe", k)
			}
		}
	}
	return out
}

// evaluatedProperties are the names s and its allOf parts describe.
func evaluatedProperties(doc map[string]any, s map[string]any) map[string]bool {
	out := map[string]bool{}
	props, _ := s["properties"].(map[string]any)
	for k := range props {
		out[k] = true
	}
	for _, sub := range list(s["allOf"]) {
		for k := range evaluatedProperties(doc, derefSchema(doc, sub)) {
			out[k] = true
		}
	}
	return out
}

func matching(doc map[string]any, alts []any, v any, where string) int {
	n := 0
	for _, alt := range alts {
		if len(validate(doc, alt, v, where)) == 0 {
			n++
		}
	}
	return n
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func typesOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func rat(n json.Number) *big.Rat {
	r, _ := new(big.Rat).SetString(n.String())
	return r
}

func num(n json.Number) int64 {
	i, _ := n.Int64()
	return i
}

// TestSchemaChecker makes sure the checker refuses what it must, so that
// its silence elsewhere means something.
func TestSchemaChecker(t *testing.T) {
	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	ref := func(name string) any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	parse := func(s string) any {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	score := `{"criterion_id": 1, "score": 3, "comment": ""}`
	for _, c := range []struct {
		schema string
		body   string
		valid  bool
	}{
		{"Score", score, true},
		{"Score", `{"criterion_id": 1, "score": 6}`, false},
		{"Score", `{"criterion_id": 1, "score": 3, "extra": true}`, false},
		{"Score", `{"score": 3}`, false},
		{"Score", `{"criterion_id": "1", "score": 3}`, false},
		{"Score", `{"criterion_id": 1, "score": 2.5}`, false},
		{"Review", `{"id": 1, "application_id": 1, "reviewer_id": 1, "reviewer_name": "x", "version": 1, "recommendation": "perhaps",
			"comment": "", "scores": [], "submitted_at": null, "updated_at": "2026-01-01T00:00:00Z", "weighted_total": 0}`, false},
		{"Review", `{"id": 1, "application_id": 1, "reviewer_id": 1, "reviewer_name": "x", "version": 1, "recommendation": "yes",
			"comment": "", "scores": [` + score + `], "submitted_at": null, "updated_at": "2026-01-01T00:00:00Z", "weighted_total": 3.5}`, true},
		{"Ledger", `{"fund_id": 1, "year": 2026, "frame_ore": -1, "committed_ore": 0, "released_ore": 0, "remaining_ore": 0}`, false},
		{"HistoryEntry", `{"id": 1, "version": null, "actor_id": null, "actor_name": "", "event": "declaration", "from": "in_review",
			"to": "in_review", "comment": "", "request_id": "r", "at": "2026-01-01T00:00:00Z"}`, true},
		{"HistoryEntry", `{"id": 1, "version": null, "actor_id": null, "actor_name": "", "event": "teleported", "from": "in_review",
			"to": "in_review", "comment": "", "request_id": "r", "at": "2026-01-01T00:00:00Z"}`, false},
	} {
		if problems := validate(doc, ref(c.schema), parse(c.body), "$"); (len(problems) == 0) != c.valid {
			t.Errorf("%s %s: problems %v, want valid = %v", c.schema, c.body, problems, c.valid)
		}
	}
}
