package letter

// DefaultTemplate returns the texts a fund starts from: plain-language
// bokmål and English that state what forvaltningsloven §§ 18, 24, 25, 27, 28,
// 29 and 32 require of a decision letter. The appeal address names the
// fund and municipality; a fund adds its postal and e-mail address.
func DefaultTemplate() Template {
	return Template{
		AppealAddress: "{{.Fund}}, {{.Municipality}}",
		NB:            defaultNB,
		EN:            defaultEN,
	}
}
