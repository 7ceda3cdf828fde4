package letter

import (
	"fmt"
	"strings"
	"testing"

	"nyttig/internal/i18n"
)

// flat joins extracted text into single-spaced words, so a phrase matches
// wherever the layout wrapped it; no-break spaces count as spaces.
func flat(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

func TestRenderOutcomes(t *testing.T) {
	common := map[i18n.Lang][]string{
		i18n.NB: {
			"Sandnes kommune", "Innovasjonsfondet", "Áilu Čađđa Ŋŧ", "Bærum og Hå",
			"Vår ref.: 2026/0042", "Dato: 24.11.2026", "Vedtak om tilskudd fra Innovasjonsfondet",
			"Søkt beløp kr 1 250 000",
			"Regelverket vi har brukt", "Retningslinjer for Innovasjonsfondet, vedtatt av kommunestyret 12.12.2024, punkt 3 og 4.",
			"Faktiske forhold", "Fagvurdererne ga 4,2 av 5 i snitt.",
			"Hovedhensyn", "kan overføres til andre enheter",
			"Du kan klage på vedtaket, jf. forvaltningsloven § 28.",
			"Klagefristen er tre uker fra du mottok brevet, jf. forvaltningsloven § 29.",
			"sendes til Innovasjonsfondet, Sandnes kommune",
			"Du har rett til å se dokumentene i saken, jf. forvaltningsloven §§ 18 og 19.",
			"Med vennlig hilsen", "Kari Nordmann", "Leder av innovasjonsutvalget",
			"Side 1 av",
		},
		i18n.EN: {
			"Sandnes kommune", "Innovasjonsfondet", "Áilu Čađđa Ŋŧ", "Bærum og Hå",
			"Our ref.: 2026/0042", "Date: 24.11.2026", "Decision on a grant from Innovasjonsfondet",
			"Amount requested NOK 1 250 000",
			"Rules applied", "Retningslinjer for Innovasjonsfondet", "Facts", "Main considerations",
			"under section 28 of the Public Administration Act (forvaltningsloven)",
			"The deadline for appealing is three weeks from the day you received this letter (section 29).",
			"sent to Innovasjonsfondet, Sandnes kommune",
			"You have the right to see the documents in the case",
			"Yours sincerely", "Kari Nordmann",
			"Page 1 of",
		},
	}
	grant := map[i18n.Lang][]string{
		i18n.NB: {
			"Formål", "Prøve ut digitalt tilsyn om natten", "01.01.2027–31.12.2027",
			"Vilkår", "Personvernkonsekvensene skal være vurdert før utprøvingen starter.",
			"Utbetaling", "Når vi har mottatt aksepten din", "Når sluttrapporten er godkjent",
			"Sluttrapporten skal sendes innen 01.03.2028.", "Plikt til å melde endringer",
			"kreve hele eller deler av tilskuddet betalt tilbake", "innen 15.12.2026",
		},
		i18n.EN: {
			"Purpose", "from 01.01.2027 to 31.12.2027", "Conditions", "Payout",
			"When we have received your acceptance", "When the final report has been approved",
			"The final report is due by 01.03.2028.", "Duty to report changes",
			"may demand that all or part of the grant be repaid", "by 15.12.2026",
		},
	}
	for _, tc := range []struct {
		outcome string
		want    map[i18n.Lang][]string
		absent  map[i18n.Lang][]string
	}{
		{"full", map[i18n.Lang][]string{
			i18n.NB: {"Vedtak: Innvilget", "Innvilget beløp kr 1 250 000", "75 % Når vi har mottatt aksepten din kr 937 500", "25 % Når sluttrapporten er godkjent kr 312 500"},
			i18n.EN: {"Decision: Granted", "Amount granted NOK 1 250 000", "75 % When we have received your acceptance NOK 937 500"},
		}, nil},
		{"partial", map[i18n.Lang][]string{
			i18n.NB: {"Vedtak: Delvis innvilget", "Du får kr 1 000 000 i tilskudd av de kr 1 250 000 du søkte om.", "Innvilget beløp kr 1 000 000", "kr 750 000", "kr 250 000"},
			i18n.EN: {"Decision: Partly granted", "You receive a grant of NOK 1 000 000 of the NOK 1 250 000 you applied for.", "Amount granted NOK 1 000 000", "NOK 750 000", "NOK 250 000"},
		}, nil},
		{"reject", map[i18n.Lang][]string{
			i18n.NB: {"Vedtak: Avslått", "Innovasjonsfondet avslår søknaden.", "Innvilget beløp kr 0"},
			i18n.EN: {"Decision: Rejected", "Innovasjonsfondet rejects your application.", "Amount granted NOK 0"},
		}, map[i18n.Lang][]string{i18n.NB: {"Utbetaling", "Vilkår"}, i18n.EN: {"Payout", "Conditions"}}},
		{"dismiss", map[i18n.Lang][]string{
			i18n.NB: {"Vedtak: Avvist", "Det betyr at vi ikke har vurdert innholdet i den.", "Innvilget beløp kr 0"},
			i18n.EN: {"Decision: Dismissed", "we have not considered its merits", "Amount granted NOK 0"},
		}, map[i18n.Lang][]string{i18n.NB: {"Utbetaling", "Vilkår"}, i18n.EN: {"Payout", "Conditions"}}},
	} {
		for _, lang := range []i18n.Lang{i18n.NB, i18n.EN} {
			t.Run(fmt.Sprintf("%s/%s", tc.outcome, lang), func(t *testing.T) {
				pdf := render(t, outcomeData(lang, tc.outcome))
				got := flat(text(t, pdf))
				want := append(slicesConcat(common[lang], tc.want[lang]), lastPageNumber(lang, pages(t, pdf)))
				if tc.outcome == "full" || tc.outcome == "partial" {
					want = append(want, grant[lang]...)
				}
				for _, w := range want {
					if !strings.Contains(got, w) {
						t.Errorf("missing %q", w)
					}
				}
				for _, a := range tc.absent[lang] {
					if strings.Contains(got, a) {
						t.Errorf("a refusal should not say %q", a)
					}
				}
				if t.Failed() {
					t.Logf("text:\n%s", got)
				}
			})
		}
	}
}

// lastPageNumber is the footer of the last page of an n-page letter.
func lastPageNumber(lang i18n.Lang, n int) string {
	if lang == i18n.EN {
		return fmt.Sprintf("Page %d of %d", n, n)
	}
	return fmt.Sprintf("Side %d av %d", n, n)
}

func slicesConcat(a, b []string) []string { return append(append([]string(nil), a...), b...) }

func TestRenderRejectsBadInput(t *testing.T) {
	for name, change := range map[string]func(*Data, *Template){
		"unknown language":      func(d *Data, _ *Template) { d.Language = "se" },
		"unknown outcome":       func(d *Data, _ *Template) { d.Outcome = "maybe" },
		"no case number":        func(d *Data, _ *Template) { d.CaseNumber = " " },
		"no reasons":            func(d *Data, _ *Template) { d.Reasons.Facts = "" },
		"granted over request":  func(d *Data, _ *Template) { d.Granted = d.Requested + 1 },
		"shares not 100 %":      func(d *Data, _ *Template) { d.Payouts[0].Percent = 70 },
		"payouts not the grant": func(d *Data, _ *Template) { d.Payouts[1].Amount++ },
		"rejection with money":  func(d *Data, _ *Template) { d.Outcome = Reject },
		"logo not an image":     func(d *Data, _ *Template) { d.Logo = []byte("<svg/>") },
		"broken template":       func(_ *Data, t *Template) { t.NB.Appeal = "" },
	} {
		t.Run(name, func(t *testing.T) {
			d, tmpl := grantData(i18n.NB), DefaultTemplate()
			change(&d, &tmpl)
			var buf strings.Builder
			err := renderer(t).Render(&buf, d, tmpl)
			if err == nil {
				t.Fatal("rendered anyway")
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
}
