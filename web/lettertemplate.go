package web

import (
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"nyttig/internal/apperr"
	"nyttig/internal/httpx"
	"nyttig/internal/i18n"
	"nyttig/internal/letter"
	"nyttig/internal/model"
	"nyttig/workflow"
)

// maxTemplateBody bounds a letter template post: every text of both
// languages at letter.MaxTextLen, percent-encoded.
const maxTemplateBody = 4 << 20

// templateText is one text of letter.Texts: its JSON key, which names it
// in forms and in validation errors, and its place in the struct.
type templateText struct {
	key   string
	index int
}

// templateTexts lists the fields of letter.Texts in their order, read from
// the struct so that a new text shows up on the page by itself.
var templateTexts = func() []templateText {
	typ := reflect.TypeFor[letter.Texts]()
	out := make([]templateText, 0, typ.NumField())
	for i := range typ.NumField() {
		f := typ.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Type.Kind() != reflect.String || key == "" || key == "-" {
			continue
		}
		out = append(out, templateText{key: key, index: i})
	}
	return out
}()

// templateLanguage is one language's texts of a template.
type templateLanguage struct {
	prefix, legendKey string
	lang              i18n.Lang
	texts             func(*letter.Template) *letter.Texts
}

var templateLanguages = []templateLanguage{
	{"nb.", "template.legend_nb", i18n.NB, func(t *letter.Template) *letter.Texts { return &t.NB }},
	{"en.", "template.legend_en", i18n.EN, func(t *letter.Template) *letter.Texts { return &t.EN }},
}

// templateInput is one text of the template form.
type templateInput struct {
	ID, ErrID, Name, Label, Value, Err string
	// Lang is the language of the text typed, when not the page's.
	Lang      string
	Long      bool
	Rows, Max int
}

type templateFieldset struct {
	Legend, ID string
	Inputs     []templateInput
}

type letterTemplateView struct {
	Action, DefaultsHref, BackHref string
	Address                        templateInput
	Languages                      []templateFieldset
	Summary                        []summaryItem
	Message, Flash, Notice         string
}

func fundTemplatePath(id int64) string {
	return "/funds/" + strconv.FormatInt(id, 10) + "/letter-template"
}

// adminFund opens the fund of the path for an administrator.
func (s *site) adminFund(r *http.Request) (model.User, model.Fund, error) {
	u, err := signedIn(r)
	if err != nil {
		return u, model.Fund{}, err
	}
	id, err := httpx.IDParam(chi.URLParam(r, "id"))
	if err != nil {
		return u, model.Fund{}, err
	}
	if !u.Has(workflow.Admin) {
		return u, model.Fund{}, apperr.New(apperr.Forbidden, msg("error.admin_only"))
	}
	fund, err := s.Store.Fund(r.Context(), id)
	if apperr.Is(err, apperr.NotFound) {
		return u, fund, apperr.New(apperr.NotFound, msg("error.no_fund"))
	}
	return u, fund, err
}

func (s *site) letterTemplatePage(w http.ResponseWriter, r *http.Request) error {
	u, fund, err := s.adminFund(r)
	if err != nil {
		return err
	}
	t, err := s.Grants.LetterTemplate(r.Context(), u, fund.ID)
	if err != nil {
		return err
	}
	notice := ""
	if r.URL.Query().Get("defaults") == "yes" {
		t, notice = letter.DefaultTemplate(), msg("template.defaults_filled").In(httpx.Lang(r))
	}
	return s.showLetterTemplate(w, r, fund, t, nil, notice)
}

func (s *site) saveLetterTemplate(w http.ResponseWriter, r *http.Request) error {
	u, fund, err := s.adminFund(r)
	if err != nil {
		return err
	}
	if err := parseFormUpTo(w, r, maxTemplateBody); err != nil {
		return err
	}
	t := templateFromPost(r.PostForm)
	if _, err := s.Grants.SetLetterTemplate(r.Context(), u, fund.ID, t); err != nil {
		if !shownOnPage(err) {
			return err
		}
		failed := apperr.As(err)
		// grants reports an invalid template as a whole; the template's own
		// check says which texts are wrong, to show beside each of them.
		if failed.Kind == apperr.Invalid {
			if verr := t.Validate(); verr != nil {
				failed = apperr.As(verr)
			}
		}
		return s.showLetterTemplate(w, r, fund, t, failed, "")
	}
	http.Redirect(w, r, fundTemplatePath(fund.ID)+"?done=template_saved", http.StatusSeeOther)
	return nil
}

// templateFromPost reads every text of the form; a browser sends line
// breaks as CRLF, which the letter's paragraphs do not expect.
func templateFromPost(form url.Values) letter.Template {
	text := func(name string) string { return strings.ReplaceAll(form.Get(name), "\r\n", "\n") }
	t := letter.Template{AppealAddress: text("appeal_address")}
	for _, l := range templateLanguages {
		v := reflect.ValueOf(l.texts(&t)).Elem()
		for _, f := range templateTexts {
			v.Field(f.index).SetString(text(l.prefix + f.key))
		}
	}
	return t
}

func (s *site) showLetterTemplate(w http.ResponseWriter, r *http.Request, fund model.Fund, t letter.Template, failed *apperr.Error, notice string) error {
	lang := httpx.Lang(r)
	path := fundTemplatePath(fund.ID)
	v := letterTemplateView{Action: path, DefaultsHref: path, BackHref: "/calls", Notice: notice}
	var errs map[string]i18n.Text
	status := http.StatusOK
	if failed != nil {
		status, errs = apperr.Status(failed), failed.Fields
		v.Message = msg("template.not_saved").In(lang) + " " + failed.Message.In(lang)
	} else if r.URL.Query().Get("done") == "template_saved" {
		v.Flash = msg("done.template_saved").In(lang)
	}
	defaults := letter.DefaultTemplate()
	v.Address = templateInputFor("appeal_address", t.AppealAddress, defaults.AppealAddress, "", errs, lang)
	v.summarize(v.Address, "")
	for _, l := range templateLanguages {
		fs := templateFieldset{Legend: msg(l.legendKey).In(lang), ID: "texts-" + strings.TrimSuffix(l.prefix, ".")}
		texts := reflect.ValueOf(l.texts(&t)).Elem()
		standard := reflect.ValueOf(l.texts(&defaults)).Elem()
		typed := ""
		if l.lang != lang {
			typed = string(l.lang)
		}
		for _, f := range templateTexts {
			in := templateInputFor(l.prefix+f.key, texts.Field(f.index).String(), standard.Field(f.index).String(), typed, errs, lang)
			fs.Inputs = append(fs.Inputs, in)
			v.summarize(in, fs.Legend)
		}
		v.Languages = append(v.Languages, fs)
	}
	if _, ok := errs["template"]; ok && len(v.Summary) == 0 { // grants' word on the template as a whole
		v.Summary = []summaryItem{{Text: errs["template"].In(lang)}}
	}
	return s.render(w, r, page{Status: status, Template: "lettertemplate", Nav: "calls", Data: v, Back: path,
		Title: sprintf(lang, "template.title", fund.Name)})
}

// templateLabelKey is the catalog key of the label of the text with JSON key key.
func templateLabelKey(key string) string { return "template.field." + key }

// templateInputFor lays out the text named name; it gets a text area when
// its default is long or has line breaks, else a line.
func templateInputFor(name, value, standard, typed string, errs map[string]i18n.Text, lang i18n.Lang) templateInput {
	id := fieldID(name)
	_, key, inLanguage := strings.Cut(name, ".")
	if !inLanguage {
		key = name
	}
	in := templateInput{ID: id, ErrID: "e-" + strings.TrimPrefix(id, "f-"), Name: name, Value: value, Lang: typed, Max: letter.MaxTextLen,
		Label: msg(templateLabelKey(key)).In(lang)}
	if e, ok := errs[name]; ok {
		in.Err = e.In(lang)
	}
	if n := utf8.RuneCountInString(standard); n > 70 || strings.Contains(standard, "\n") {
		in.Long, in.Rows = true, min(14, max(3, n/70+strings.Count(standard, "\n")+1))
	}
	return in
}

// summarize adds in's error, if any, to the error summary, in the form's order.
func (v *letterTemplateView) summarize(in templateInput, legend string) {
	if in.Err == "" {
		return
	}
	label := in.Label
	if legend != "" {
		label = legend + " – " + label
	}
	v.Summary = append(v.Summary, summaryItem{Href: "#" + in.ID, Text: label + ": " + in.Err})
}
