package bench

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"nyttig/internal/i18n"
	"nyttig/internal/letter"
	"nyttig/internal/money"
	"nyttig/workflow"
)

// letters renders the typical grant letter on every core for the
// duration: letters per second, and milliseconds per letter.
func letters(ctx context.Context, e *env) (Scenario, error) {
	r, err := letter.NewRenderer()
	if err != nil {
		return Scenario{}, err
	}
	t, d := letter.DefaultTemplate(), grantLetter()
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Duration)
	defer cancel()
	var mu sync.Mutex
	var took []time.Duration
	var failed int
	start := time.Now()
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			var mine []time.Duration
			for ctx.Err() == nil {
				t0 := time.Now()
				if err := r.Render(io.Discard, d, t); err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			took = append(took, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	s := Scenario{Value: float64(len(took)) / elapsed.Seconds(), Unit: "letters/s", Goal: "median ≤ 5 ms a letter", Errors: failed}
	percentiles(&s, took)
	s.Detail = fmt.Sprintf("%d two-page grant letters on %d cores (fpdf, fonts embedded)", len(took), runtime.NumCPU())
	return s, nil
}

// grantLetter is a typical grant: a partial amount, 75 % on acceptance
// and 25 % on the final report.
func grantLetter() letter.Data {
	granted := money.FromKroner(850_000)
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, workflow.Oslo) }
	return letter.Data{Language: i18n.NB, Municipality: "Stavanger kommune", Fund: "Innovasjonsmidler", Addressee: "Ola Nordmann",
		Unit: "Oppvekst og utdanning", CaseNumber: "2026/1234", Date: at(2026, time.November, 24),
		ApplicationTitle: "Leksehjelp med digitale verktøy", Outcome: letter.Approve,
		Requested: money.FromKroner(1_000_000), Granted: granted,
		Purpose:     "Prøve ut digital leksehjelp på tre skoler og måle effekten på gjennomføring.",
		PeriodStart: at(2027, time.January, 1), PeriodEnd: at(2027, time.December, 31),
		Conditions: []string{"Foreldre skal informeres før oppstart.", "Prosjektet rapporterer halvårlig."},
		Payouts: []letter.Tranche{{Percent: 75, Amount: granted * 75 / 100, Trigger: letter.OnAcceptance},
			{Percent: 25, Amount: granted * 25 / 100, Trigger: letter.OnFinalReport}},
		ReportDeadline: at(2028, time.March, 31), AcceptDeadline: at(2026, time.December, 15),
		Reasons: letter.Reasons{Rules: "Retningslinjer for innovasjonsmidler, punkt 2 og 5.",
			Facts:          "Søknaden kom inn 15.09.2026 og ble vurdert av tre fagvurderere.",
			Considerations: "Høy overføringsverdi; budsjettet for lisenser er satt ned."},
		SignerName: "Kari Nordmann", SignerTitle: "Kommunedirektør"}
}
