package web

import "nyttig/internal/i18n"

// summaryCatalog holds the annual summary's texts; init adds them to the
// catalog. They live here so the summary's pages stay in their own files.
var summaryCatalog = map[string]i18n.Text{
	"layout.summary":         i18n.T("Årsoversikt", "Annual summary"),
	"summary.title":          i18n.T("Årsoversikt", "Annual summary"),
	"summary.staff_only":     i18n.T("Bare administratorer, saksbehandlere og beslutningstakere har tilgang til årsoversikten.", "Only administrators, case officers and decision makers have access to the annual summary."),
	"summary.intro":          i18n.T("Fondets år i tall: søknader, vedtak, penger, behandlingstid, gevinster og innovasjonsprisen. Mottatt gjelder søknader sendt inn i året; vedtak og innvilget beløp gjelder søknader med siste vedtak i året.", "The fund's year in figures: applications, decisions, money, processing times, benefits and the innovation prize. Received counts applications submitted in the year; decisions and granted amounts count applications whose latest decision was made in the year."),
	"summary.fund":           i18n.T("Fond", "Fund"),
	"summary.year":           i18n.T("År", "Year"),
	"summary.show":           i18n.T("Vis", "Show"),
	"summary.figure":         i18n.T("Tall", "Figure"),
	"summary.value":          i18n.T("Verdi", "Value"),
	"summary.received":       i18n.T("Søknader mottatt", "Applications received"),
	"summary.granted":        i18n.T("Innvilget (helt eller delvis)", "Granted (in full or part)"),
	"summary.rejected":       i18n.T("Avslått eller avvist", "Rejected or dismissed"),
	"summary.granted_amount": i18n.T("Innvilget beløp", "Amount granted"),
	"summary.paid":           i18n.T("Utbetalt av årets ramme", "Paid from the year's frame"),
	"summary.downloads":      i18n.T("Last ned årsoversikten", "Download the annual summary"),
	"summary.download_pdf":   i18n.T("PDF med diagrammer", "PDF with charts"),
	"summary.download_csv":   i18n.T("CSV for regneark", "CSV for spreadsheets"),
	"summary.download_json":  i18n.T("JSON", "JSON"),
	"summary.publication":    i18n.T("Publisering", "Publication"),
	"summary.is_published":   i18n.T("Årsoversikten er publisert og kan leses av alle:", "The annual summary is published and open to everyone:"),
	"summary.public_pdf":     i18n.T("offentlig PDF", "public PDF"),
	"summary.public_list":    i18n.T("publiserte årsoversikter", "published annual summaries"),
	"summary.not_published":  i18n.T("Årsoversikten er ikke publisert.", "The annual summary is not published."),
	"summary.publish":        i18n.T("Publiser årsoversikten", "Publish the annual summary"),
	"summary.no_funds":       i18n.T("Det finnes ingen fond ennå.", "There is no fund yet."),
	"done.published":         i18n.T("Årsoversikten er publisert.", "The annual summary is published."),

	"public_summaries.title":        i18n.T("Årsoversikter", "Annual summaries"),
	"public_summaries.intro":        i18n.T("Innovasjonsfondenes publiserte årsoversikter: hva som ble søkt, innvilget og oppnådd.", "The innovation funds' published annual summaries: what was applied for, granted and achieved."),
	"public_summaries.caption":      i18n.T("Publiserte årsoversikter", "Published annual summaries"),
	"public_summaries.fund":         i18n.T("Fond", "Fund"),
	"public_summaries.municipality": i18n.T("Kommune", "Municipality"),
	"public_summaries.year":         i18n.T("År", "Year"),
	"public_summaries.published":    i18n.T("Publisert", "Published"),
	"public_summaries.file":         i18n.T("Fil", "File"),
	"public_summaries.none":         i18n.T("Ingen årsoversikter er publisert ennå.", "No annual summaries have been published yet."),
}

func init() {
	for k, v := range summaryCatalog {
		catalog[k] = v
	}
}
