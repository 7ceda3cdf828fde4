package letter

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"nyttig/internal/i18n"
	"nyttig/internal/money"
)

var (
	sharedRenderer     *Renderer
	sharedRendererOnce sync.Once
)

// renderer returns one Renderer for the whole package's tests, as the
// application shares one.
func renderer(tb testing.TB) *Renderer {
	tb.Helper()
	sharedRendererOnce.Do(func() {
		r, err := NewRenderer()
		if err != nil {
			tb.Fatalf("NewRenderer: %v", err)
		}
		sharedRenderer = r
	})
	if sharedRenderer == nil {
		tb.Fatal("NewRenderer failed earlier")
	}
	return sharedRenderer
}

// day is noon on a date in Oslo.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, oslo) }

// grantData is a typical one-page grant: 75 % on acceptance, 25 % after the
// final report, as a call's default plan.
func grantData(lang i18n.Lang) Data {
	granted := money.FromKroner(1_000_000)
	d := Data{
		Language:         lang,
		Municipality:     "Sandnes kommune",
		Fund:             "Innovasjonsfondet",
		Addressee:        "Áilu Čađđa Ŋŧ",
		Unit:             "Bærum og Hå",
		CaseNumber:       "2026/0042",
		Date:             time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC),
		ApplicationTitle: "Digital tilsynsrunde i hjemmetjenesten",
		Outcome:          Approve,
		Requested:        money.FromKroner(1_250_000),
		Granted:          granted,
		Purpose:          "Prøve ut digitalt tilsyn om natten for 40 brukere i hjemmetjenesten, slik at de ansatte kan bruke tiden der den trengs mest.",
		PeriodStart:      day(2027, time.January, 1),
		PeriodEnd:        day(2027, time.December, 31),
		Conditions:       []string{"Personvernkonsekvensene skal være vurdert før utprøvingen starter."},
		Payouts: []Tranche{
			{Percent: 75, Amount: granted * 75 / 100, Trigger: OnAcceptance},
			{Percent: 25, Amount: granted * 25 / 100, Trigger: OnFinalReport},
		},
		ReportDeadline: day(2028, time.March, 1),
		AcceptDeadline: day(2026, time.December, 15),
		Reasons: Reasons{
			Rules:          "Retningslinjer for Innovasjonsfondet, vedtatt av kommunestyret 12.12.2024, punkt 3 og 4.",
			Facts:          "Søknaden kom inn 01.10.2026. Enhetslederen har bekreftet støtte. Fagvurdererne ga 4,2 av 5 i snitt.",
			Considerations: "Prosjektet har stor nytte for brukerne og kan overføres til andre enheter. Budsjettet for utstyr er satt ned fordi enheten allerede har nettbrett.",
		},
		SignerName:  "Kari Nordmann",
		SignerTitle: "Leder av innovasjonsutvalget",
	}
	return d
}

// outcomeData returns grantData changed to the given outcome: "full",
// "partial", "reject" or "dismiss".
func outcomeData(lang i18n.Lang, outcome string) Data {
	d := grantData(lang)
	switch outcome {
	case "full":
		d.Granted = d.Requested
		d.Payouts = []Tranche{
			{Percent: 75, Amount: d.Requested * 75 / 100, Trigger: OnAcceptance},
			{Percent: 25, Amount: d.Requested * 25 / 100, Trigger: OnFinalReport},
		}
	case "reject", "dismiss":
		d.Outcome = Reject
		if outcome == "dismiss" {
			d.Outcome = Dismiss
		}
		d.Granted = 0
		d.Payouts = nil
		d.Purpose = ""
	}
	return d
}

// render renders d with the default template and fails the test on error.
func render(tb testing.TB, d Data) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := renderer(tb).Render(&buf, d, DefaultTemplate()); err != nil {
		tb.Fatalf("Render: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		tb.Fatalf("output is not a PDF: %q", buf.Bytes()[:min(buf.Len(), 16)])
	}
	return buf.Bytes()
}

// longReasons returns n paragraphs separated by blank lines.
func longReasons(n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "Avsnitt " + strings.Repeat("med en lang og grundig vurdering av søknaden, ", 8) + "slutt."
	}
	return strings.Join(p, "\n\n")
}
