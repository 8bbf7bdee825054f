import { useI18n } from '../i18n';

/** The date the accessibility statement was written (a fixed date, stated as such on the page). */
export const STATEMENT_DATE = '2026-12-04';

/** The about page's labels and texts, in Swedish and English (kept here rather than in i18n.ts, which other features share). */
export const ABOUT_LABELS = {
  sv: {
    navAbout: 'Om data',
    title: 'Om data och tillgänglighet',
    intro: 'Var registrets uppgifter kommer ifrån, när registret senast ändrades, den senaste signerade kontrollpunkten och tjänstens tillgänglighetsredogörelse.',
    // sources
    sourcesTitle: 'Var uppgifterna kommer ifrån',
    sourceRegister:
      'Registret: varje uppgift är en händelse i en logg som bara kan växa. Beslut om kommunalförbund, gemensamma nämnder, avtal, utredningar, överföringar och medlemskap registreras genom tjänstens API, med beslutsdatum, datum då beslutet gäller och tidpunkten då det registrerades. Matrisen, listorna och diagrammen räknas fram ur händelserna; ingenting på sidorna är inmatat för hand.',
    sourceMunicipalities: (municipalities: number, counties: number) =>
      `Kommuner och län: de ${municipalities} kommunerna med sina fyrsiffriga kommunkoder och de ${counties} länen, enligt Statistiska centralbyråns (SCB) regionala indelning. Listan följer med tjänsten och ändras inte av händelserna.`,
    sourceAreas: (areas: number) =>
      `Tjänsteområden: registrets ${areas} tjänsteområden med svenska och engelska namn. Listan hör till projektet; de flesta områden är kopplade till SCB:s verksamhetsindelning för kommunernas räkenskaper.`,
    sourceShapes:
      'Kartornas former: kommun- och länsgränserna kommer från det öppna GitHub-förrådet okfse/sweden-geojson, vars upphovsperson förenklade (med mapshaper) en datamängd från Opendatasoft som i sin tur bygger på Valmyndighetens kommungränser, och som anger att de får återanvändas fritt. Gränserna är från 2010-talet; Sveriges kommunindelning har inte ändrats sedan 2003 (Knivsta), så alla 290 kommuner finns med.',
    sourceApi: 'Allt som sidorna visar hämtas ur tjänstens öppna HTTP-API (samma som andra system använder), med din API-nyckel.',
    // state
    stateTitle: 'När registret senast ändrades',
    logPosition: 'Loggens position (läsmodellen)',
    logPositionHelp: 'Numret på den senaste händelse som läsmodellen har tagit in (GET /health).',
    lag: 'Eftersläpning',
    lagValue: (ms: number) => `${ms} ms`,
    store: 'Händelselager',
    storeEmbedded: 'inbyggt (SQLite)',
    storeEsdb: 'EventStoreDB',
    latestEvent: 'Senaste händelsen',
    latestEventValue: (type: string, stream: string) => `${type} i ${stream}`,
    latestRecorded: 'Registrerad',
    noEvents: 'Registret har inga händelser ännu.',
    auditForbidden: 'Din nyckel får inte läsa granskningsloggen (/v1/audit/*, kräver rollen auditor eller admin), så tidpunkten för den senaste händelsen och kontrollpunkten visas inte. Positionen ovan kommer från /health, som är öppen.',
    // checkpoint
    checkpointTitle: 'Senaste signerade kontrollpunkten',
    checkpointIntro:
      'En kontrollpunkt är ett signerat trädhuvud (C2SP tlog-checkpoint) över hela loggen: trädstorleken (antalet händelser) och Merkleträdets rot. Signaturen kontrolleras här i webbläsaren mot tjänstens publicerade nyckel.',
    origin: 'Logg (origin)',
    treeSize: 'Trädstorlek',
    rootHash: 'Rot (SHA-256, base64)',
    signer: 'Signerad av',
    keyId: 'Nyckel-id',
    signature: 'Signatur',
    signatureOk: 'Signaturen stämmer med den publicerade nyckeln',
    signatureFailed: 'Signaturen stämmer inte',
    compareKey: 'Jämför nyckel-id:t med det du har fått på annat sätt: nyckeln kommer från samma tjänst.',
    noCheckpoint: 'Ingen kontrollpunkt ännu: tjänsten signerar en med jämna mellanrum.',
    showNote: 'Visa den signerade anteckningen',
    // accessibility
    a11yTitle: 'Tillgänglighetsredogörelse',
    a11yIntro:
      'Den här redogörelsen beskriver hur instrumentpanelen Samverkan uppfyller lagen (2018:1937) om tillgänglighet till digital offentlig service, kända tillgänglighetsproblem och hur du kan rapportera brister till oss så att vi kan åtgärda dem.',
    a11yStatusTitle: 'Hur tillgänglig är tjänsten?',
    a11yStatus:
      'Tjänsten är delvis förenlig med lagen om tillgänglighet till digital offentlig service och med WCAG 2.1 på nivå AA, på grund av de brister och begränsningar som beskrivs nedan.',
    a11yTestedTitle: 'Hur vi har testat',
    a11yTested: [
      'Automatiskt, vid varje ändring: axe-core kontrollerar vyerna (matrisen med en cells historik, samverkansformerna, en samverkansform, bevakningslistan, diagrammen, den här sidan och nyckelformuläret) i Chromium, i 1440 och 390 pixlars bredd, och testerna underkänns vid allvarliga eller kritiska fel.',
      'Automatiskt: att sidan inte behöver rullas i sidled i 390 pixlars bredd, att sidan följer sin innehållssäkerhetspolicy och att tangentbordsvägar fungerar (en tabbstopp i matrisen, piltangenter mellan cellerna, Enter öppnar historiken, Esc stänger den, fokus flyttas till rubriken efter en länk).',
      'Vi har inte testat med skärmläsare (NVDA, JAWS, VoiceOver, TalkBack), i andra webbläsare än Chromium, med förstoring till 200 och 400 procent, i Windows högkontrastläge eller med användare. Automatiska verktyg hittar bara en del av bristerna.',
    ],
    a11yGapsTitle: 'Kända brister',
    a11yGaps: [
      'Matrisens celler skiljs åt med färg på skärmen. Varje cell har ett namn för skärmläsare och en text vid hovring med utförare och grund, men den som inte ser färgerna måste hovra eller fokusera cellen (WCAG 1.4.1). Utskriften märker cellerna med bokstäver.',
      'Matrisen har upp till 290 × 33 celler. Med skärmläsare är den lång att gå igenom; välj ett län eller filtrera på kommunnamn.',
      'Tjänsteområdenas rubriker i matrisen står lodrätt och kan vara svåra att läsa vid förstoring.',
      'Diagrammen är bilder (SVG) med en tabell med samma siffror under ”Visa som tabell”; årtalen under staplarna står bara vart femte år.',
      'Nedladdade CSV-filer har kolumnrubriker på det språk som är valt, och matrisens CSV är API:ts egen (med koder, på engelska).',
    ],
    a11yReportTitle: 'Rapportera brister',
    a11yReport:
      'Om du upptäcker problem som inte beskrivs här, eller om du behöver innehåll i en annan form, kontakta förvaltaren av den här tjänsten, den organisation som har gett dig API-nyckeln. Beskriv problemet, sidans adress och vilken webbläsare och vilka hjälpmedel du använde.',
    a11yEnforcementTitle: 'Tillsyn',
    a11yEnforcement:
      'Myndigheten för digital förvaltning (DIGG) har ansvaret för tillsyn över lagen (2018:1937) om tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du kontakta DIGG och påtala det.',
    a11yEnforcementLink: 'Myndigheten för digital förvaltning (DIGG), digg.se',
    a11yDateTitle: 'Om redogörelsen',
    a11yDate: (date: string) => `Redogörelsen skrevs ${date} (skrivdatum, inte byggdatum) och bygger på en egen bedömning av tjänsten och de automatiska testerna ovan.`,
  },
  en: {
    navAbout: 'About the data',
    title: 'About the data and accessibility',
    intro: "Where the register's data comes from, when the register last changed, the latest signed checkpoint, and the service's accessibility statement.",
    sourcesTitle: 'Where the data comes from',
    sourceRegister:
      'The register: every fact is an event in a log that can only grow. Decisions on federations, joint committees, agreements, studies, transfers and memberships are recorded through the service’s API, with the date of the decision, the date it takes effect and the time it was recorded. The matrix, the lists and the charts are computed from the events; nothing on these pages is entered by hand.',
    sourceMunicipalities: (municipalities: number, counties: number) =>
      `Municipalities and counties: the ${municipalities} municipalities with their four-digit municipality codes and the ${counties} counties, as in Statistics Sweden’s (SCB) regional division. The list ships with the service and is not changed by events.`,
    sourceAreas: (areas: number) =>
      `Service areas: the register’s ${areas} service areas with Swedish and English names. The list is the project’s; most areas are linked to SCB’s classification of municipal activities in the municipalities’ accounts.`,
    sourceShapes:
      'Map shapes: the municipality and county boundaries come from the public GitHub repository okfse/sweden-geojson, whose author simplified (with mapshaper) an Opendatasoft dataset converted from the Swedish Election Authority’s (Valmyndigheten) municipality boundaries, and states that they may be reused freely. The boundaries are from the 2010s; Sweden’s municipal map has not changed since 2003 (Knivsta), so all 290 municipalities are present.',
    sourceApi: 'Everything these pages show is fetched from the service’s public HTTP API (the same one other systems use), with your API key.',
    stateTitle: 'When the register last changed',
    logPosition: 'Log position (read model)',
    logPositionHelp: 'The number of the latest event the read model has taken in (GET /health).',
    lag: 'Lag',
    lagValue: (ms: number) => `${ms} ms`,
    store: 'Event store',
    storeEmbedded: 'embedded (SQLite)',
    storeEsdb: 'EventStoreDB',
    latestEvent: 'Latest event',
    latestEventValue: (type: string, stream: string) => `${type} in ${stream}`,
    latestRecorded: 'Recorded',
    noEvents: 'The register has no events yet.',
    auditForbidden: 'Your key may not read the audit log (/v1/audit/*, which needs the auditor or admin role), so the time of the latest event and the checkpoint are not shown. The position above comes from /health, which is open.',
    checkpointTitle: 'The latest signed checkpoint',
    checkpointIntro:
      'A checkpoint is a signed tree head (C2SP tlog-checkpoint) over the whole log: the tree size (the number of events) and the root of the Merkle tree. Its signature is checked here, in the browser, against the service’s published key.',
    origin: 'Log (origin)',
    treeSize: 'Tree size',
    rootHash: 'Root (SHA-256, base64)',
    signer: 'Signed by',
    keyId: 'Key id',
    signature: 'Signature',
    signatureOk: 'The signature verifies against the published key',
    signatureFailed: 'The signature does not verify',
    compareKey: 'Compare the key id with the one you got another way: the key comes from the same service.',
    noCheckpoint: 'No checkpoint yet: the service signs one at regular intervals.',
    showNote: 'Show the signed note',
    a11yTitle: 'Accessibility statement',
    a11yIntro:
      'This statement describes how the Samverkan dashboard complies with the Swedish Act (2018:1937) on accessibility to digital public services, the known accessibility problems, and how you can report shortcomings to us so that we can fix them.',
    a11yStatusTitle: 'How accessible is the service?',
    a11yStatus: 'The service is partially compliant with the Act on accessibility to digital public services and with WCAG 2.1 level AA, because of the shortcomings and limitations described below.',
    a11yTestedTitle: 'How we tested',
    a11yTested: [
      'Automatically, on every change: axe-core checks the views (the matrix with a cell’s history, the arrangements, an arrangement, the attention list, the charts, this page and the key form) in Chromium, at 1440 and 390 pixels wide, and the tests fail on any serious or critical violation.',
      'Automatically: that the page does not scroll sideways at 390 pixels, that it keeps to its Content Security Policy, and that the keyboard paths work (one tab stop in the matrix, arrow keys between cells, Enter opens the history, Esc closes it, focus moves to the heading after a link).',
      'We have not tested with screen readers (NVDA, JAWS, VoiceOver, TalkBack), in browsers other than Chromium, at 200 and 400 per cent zoom, in Windows high-contrast mode, or with users. Automated tools find only some shortcomings.',
    ],
    a11yGapsTitle: 'Known shortcomings',
    a11yGaps: [
      'On screen, the matrix’s cells are told apart by colour. Every cell has a name for screen readers and a hover text with its provider and basis, but someone who cannot see the colours has to hover over or focus a cell (WCAG 1.4.1). The printout marks the cells with letters.',
      'The matrix has up to 290 × 33 cells. With a screen reader it is long to go through; choose a county or filter by municipality name.',
      'The service areas’ headings in the matrix stand vertically and may be hard to read when magnified.',
      'The charts are images (SVG) with a table of the same numbers under “Show as a table”; the years under the bars are written every fifth year only.',
      'Downloaded CSV files have column headings in the chosen language, and the matrix’s CSV is the API’s own (with codes, in English).',
    ],
    a11yReportTitle: 'Reporting shortcomings',
    a11yReport:
      'If you find problems not described here, or need content in another form, contact the administrator of this service: the organisation that gave you your API key. Describe the problem, the page’s address, and which browser and assistive technology you used.',
    a11yEnforcementTitle: 'Enforcement',
    a11yEnforcement:
      'The Agency for Digital Government (Myndigheten för digital förvaltning, DIGG) is responsible for enforcing the Act (2018:1937) on accessibility to digital public services. If you are not satisfied with how we handle your comments, you can contact DIGG and tell them.',
    a11yEnforcementLink: 'The Agency for Digital Government (DIGG), digg.se',
    a11yDateTitle: 'About this statement',
    a11yDate: (date: string) => `This statement was written on ${date} (the date of writing, not of the build), and is based on our own assessment of the service and the automated tests above.`,
  },
};

export function useAboutLabels() {
  return ABOUT_LABELS[useI18n().lang];
}
