package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nyttig/internal/model"
	"nyttig/workflow"
)

func TestEveryTextHasBothLanguages(t *testing.T) {
	for key, text := range catalog {
		if strings.TrimSpace(text.NB) == "" || strings.TrimSpace(text.EN) == "" {
			t.Errorf("%s: %+v lacks a language", key, text)
		}
		if strings.Count(text.NB, "%") != strings.Count(text.EN, "%") {
			t.Errorf("%s: the two languages take different arguments: %+v", key, text)
		}
	}
}

// TestEveryKeyUsedIsInTheCatalog reads the templates and the Go files for
// {{t "key"}} and msg("key"), and the keys the code builds at run time.
func TestEveryKeyUsedIsInTheCatalog(t *testing.T) {
	uses := map[string]string{}
	find := func(re *regexp.Regexp, path string, b []byte) {
		for _, m := range re.FindAllSubmatch(b, -1) {
			uses[string(m[1])] = path
		}
	}
	tmplKey := regexp.MustCompile(`\bt "([^"]+)"`)
	err := fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFiles, path)
		find(tmplKey, path, b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	goKey := regexp.MustCompile(`\b(?:msg\(|sprintf\(\w+, )"([^"]+)"[,)]`)
	flash := regexp.MustCompile(`done=([a-z_]+)`)
	goFiles, _ := filepath.Glob("*.go")
	for _, path := range goFiles {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		find(goKey, path, b)
		for _, m := range flash.FindAllSubmatch(b, -1) {
			uses["done."+string(m[1])] = path + " (a flash after a redirect)"
		}
	}
	if len(uses) < 50 {
		t.Fatalf("found only %d keys; the patterns no longer match the code", len(uses))
	}
	for _, name := range fieldOrder {
		uses["field."+name] = "fieldOrder"
	}
	for _, c := range budgetColumns {
		uses[c.Key] = "budgetColumns"
	}
	for _, e := range commentEvents {
		uses["done."+string(e)] = "commentEvents (the flash after an event)"
	}
	for _, o := range outcomes {
		uses[o.key] = "outcomes"
		uses["done."+string(o.event)] = "outcomes (the flash after a decision)"
	}
	uses["done."+string(workflow.Recommend)] = "saveRecommendation (the flash after recommending)"
	uses["done."+string(workflow.Accept)] = "fireEvent (the flash after accepting)"
	uses[templateLabelKey("appeal_address")] = "templateInputFor"
	for _, f := range templateTexts {
		uses[templateLabelKey(f.key)] = "templateInputFor (a text of letter.Texts)"
	}
	for _, name := range reasonNames {
		uses["field."+name], uses["hint."+name] = "reasonFields", "reasonFields"
	}
	for _, keys := range []map[string]string{fileTypes, assignmentStatus, recommendationKeys, payoutConditions} {
		for _, key := range keys {
			uses[key] = "a table of labels"
		}
	}
	for _, e := range workflow.Payout.Events() {
		uses["done.payout_"+string(e)] = "firePayout (the flash after a payout event)"
	}
	for _, e := range workflow.Clawback.Events() {
		uses["done.clawback_"+string(e)] = "fireClawback (the flash after a claw-back event)"
	}
	for _, done := range []string{"plan_saved", "recipient_saved", "clawback_raised"} {
		uses["done."+done] = "moneyDone (the flash after a money form)"
	}
	for _, key := range []string{"money.amount", "money.condition", "money.due_date"} {
		uses[key] = "planFieldLabel"
	}
	for _, key := range ledgerKeys {
		uses[key], uses[key+"_hint"] = "ledger", "ledger"
	}
	for n := model.MinScore; n <= model.MaxScore; n++ {
		uses["score."+strconv.Itoa(n)] = "showReview (the score scale)"
	}
	for _, status := range []int{400, 403, 404, 405, 409, 413, 415, 422, 500, 503} {
		uses["error."+strconv.Itoa(status)+".title"] = "renderError"
	}
	for key, where := range uses {
		if _, ok := catalog[key]; !ok {
			t.Errorf("%s uses %q, which is not in the catalog", where, key)
		}
	}
}
