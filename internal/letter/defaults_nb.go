package letter

// defaultNB are the default bokmål texts. The legal references follow
// forvaltningsloven 1967; a fund updates them when the new act
// (LOV-2025-06-20-81) takes effect.
var defaultNB = Texts{
	Title:        "Vedtak om tilskudd fra {{.Fund}}",
	Subject:      "Vedtak i sak {{.CaseNumber}}: {{.ApplicationTitle}}",
	OurRefLabel:  "Vår ref.",
	DateLabel:    "Dato",
	Intro:        "Vi viser til søknaden din om tilskudd fra {{.Fund}} til prosjektet «{{.ApplicationTitle}}».",
	OutcomeLabel: "Vedtak",

	OutcomeGranted:   "Innvilget",
	OutcomePartial:   "Delvis innvilget",
	OutcomeRejected:  "Avslått",
	OutcomeDismissed: "Avvist",

	DecisionGranted:   "{{.Fund}} innvilger søknaden. Du får {{.Granted}} i tilskudd, som er beløpet du søkte om.",
	DecisionPartial:   "{{.Fund}} innvilger søknaden delvis. Du får {{.Granted}} i tilskudd av de {{.Requested}} du søkte om. Begrunnelsen for beløpet står nedenfor.",
	DecisionRejected:  "{{.Fund}} avslår søknaden. Begrunnelsen står nedenfor.",
	DecisionDismissed: "{{.Fund}} avviser søknaden. Det betyr at vi ikke har vurdert innholdet i den. Begrunnelsen står nedenfor.",

	AmountRequested: "Søkt beløp",
	AmountGranted:   "Innvilget beløp",

	HeadingPurpose:    "Formål",
	PurposeIntro:      "Tilskuddet skal brukes til prosjektet slik det er beskrevet i søknaden:",
	HeadingPeriod:     "Prosjektperiode",
	Period:            "Prosjektet skal gjennomføres i perioden {{.PeriodStart}}–{{.PeriodEnd}}.",
	HeadingConditions: "Vilkår",
	Conditions: "- Tilskuddet kan bare brukes til formålet og i prosjektperioden som står i dette brevet.\n" +
		"- Prosjektet skal føre regnskap over bruken av tilskuddet, slik at bruken kan kontrolleres.\n" +
		"- {{.Municipality}} kan kontrollere at tilskuddet brukes etter forutsetningene, og du må gi de opplysningene vi ber om.\n" +
		"- Resultater og erfaringer fra prosjektet kan deles med andre enheter og omtales i fondets årsoversikt.",

	HeadingPayout:       "Utbetaling",
	PayoutIntro:         "Tilskuddet blir utbetalt i disse delene:",
	PayoutShare:         "Andel",
	PayoutWhen:          "Utbetales",
	PayoutAmount:        "Beløp",
	PayoutOnAcceptance:  "Når vi har mottatt aksepten din",
	PayoutOnFinalReport: "Når sluttrapporten er godkjent",

	HeadingReporting: "Rapportering",
	Reporting: "Sluttrapporten skal sendes innen {{.ReportDeadline}}. Den skal beskrive hva prosjektet har gjennomført og oppnådd sett opp mot formålet, " +
		"om og hvordan resultatene er tatt i bruk, hva dere har lært, og et regnskap som viser hvordan tilskuddet er brukt. " +
		"Lederen for enheten skal bekrefte rapporten.",
	HeadingChanges: "Plikt til å melde endringer",
	Changes: "Du må straks melde fra til {{.Fund}} om endringer som har betydning for prosjektet, for eksempel i framdrift, budsjett, prosjektleder eller formål. " +
		"Vesentlige endringer må være godkjent før de settes i verk.",
	HeadingClawback: "Tilbakebetaling",
	Clawback: "Hvis prosjektet ikke blir gjennomført, tilskuddet brukes i strid med formålet eller vilkårene, eller sluttrapporten ikke blir levert, " +
		"kan {{.Municipality}} kreve hele eller deler av tilskuddet betalt tilbake. Tilskudd som ikke er brukt når prosjektet avsluttes, skal betales tilbake.",
	HeadingAcceptance: "Aksept",
	Acceptance:        "Du må akseptere tilskuddet og vilkårene innen {{.AcceptDeadline}}. Har vi ikke mottatt aksepten innen fristen, faller tilskuddet bort.",

	HeadingReasons: "Begrunnelse",
	ReasonsIntro: "Et vedtak skal begrunnes, jf. forvaltningsloven §§ 24 og 25. Begrunnelsen viser hvilke regler vi har brukt, " +
		"hvilke faktiske forhold vi har lagt til grunn, og hvilke hensyn som har vært avgjørende.",
	HeadingRules:          "Regelverket vi har brukt",
	HeadingFacts:          "Faktiske forhold",
	HeadingConsiderations: "Hovedhensyn",

	HeadingAppeal: "Du kan klage",
	Appeal: "Du kan klage på vedtaket, jf. forvaltningsloven § 28. Klagefristen er tre uker fra du mottok brevet, jf. forvaltningsloven § 29. " +
		"Det er nok at klagen er sendt før fristen går ut.",
	AppealHow: "Klagen skal være skriftlig og sendes til {{.AppealAddress}}. Skriv hvilket vedtak du klager på (vår ref. {{.CaseNumber}}), " +
		"hvilken endring du ønsker, og hvorfor. Klagen må være undertegnet, jf. forvaltningsloven § 32. " +
		"Hvis vi ikke endrer vedtaket selv, sender vi klagen til klageinstansen for endelig avgjørelse.",
	HeadingAccess: "Rett til innsyn i saksdokumentene",
	Access:        "Du har rett til å se dokumentene i saken, jf. forvaltningsloven §§ 18 og 19. Ta kontakt med oss hvis du vil se dem.",

	Closing:             "Med vennlig hilsen",
	ElectronicSignature: "Dokumentet er elektronisk godkjent og har derfor ingen håndskrevet signatur.",
	PageOf:              "Side {{.Page}} av {{.Pages}}",
	Watermark:           "UTKAST",
}
