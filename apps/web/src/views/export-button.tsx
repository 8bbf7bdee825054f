import { useEffect, useRef, useState } from 'preact/hooks';
import { query } from '../api';
import { formatRecorded } from '../dates';
import { fetchCsv, fileNamePart, saveBlob, saveCsvText, tableCsv } from '../export';
import { useI18n } from '../i18n';

/** The labels of the downloads and the print button, in Swedish and English. */
export const EXPORT_LABELS = {
  sv: {
    exportMatrix: 'Ladda ner eller skriv ut matrisen',
    downloadCsv: 'Ladda ner CSV',
    downloadTableCsv: (what: string) => `Ladda ner CSV: ${what}`,
    downloading: 'Hämtar CSV…',
    downloadFailed: 'Nedladdningen misslyckades',
    print: 'Skriv ut',
    printMatrix: 'Skriv ut hela matrisen (A4 liggande)',
    printedCaption: (on: string, knownAt: string, printed: string) => `Registret den ${on}, ${knownAt}. Utskrivet ${printed}.`,
    knownNow: 'som det är känt nu',
    knownAt: (at: string) => `som det var känt ${at}`,
    printedCounty: (name: string) => `Län: ${name}`,
    printedAllCounties: 'Alla län',
  },
  en: {
    exportMatrix: 'Download or print the matrix',
    downloadCsv: 'Download CSV',
    downloadTableCsv: (what: string) => `Download CSV: ${what}`,
    downloading: 'Fetching the CSV…',
    downloadFailed: 'The download failed',
    print: 'Print',
    printMatrix: 'Print the whole matrix (A4 landscape)',
    printedCaption: (on: string, knownAt: string, printed: string) => `The register on ${on}, ${knownAt}. Printed ${printed}.`,
    knownNow: 'as known now',
    knownAt: (at: string) => `as known at ${at}`,
    printedCounty: (name: string) => `County: ${name}`,
    printedAllCounties: 'All counties',
  },
};

export function useExportLabels() {
  return EXPORT_LABELS[useI18n().lang];
}

/**
 * "Ladda ner CSV" for a table on the page: the table found by `selector` when clicked, as it
 * is shown then (its rows and words), saved as `filename`. `name` says which table, for the
 * button's accessible name when a page has several.
 */
export function TableCsvButton(props: { selector: string; filename: string; name: string; testId?: string }) {
  const x = useExportLabels();
  const save = () => {
    const table = document.querySelector<HTMLTableElement>(props.selector);
    if (table) saveCsvText(tableCsv(table), props.filename);
  };
  return (
    <button type="button" class="button subtle export-button" onClick={save} aria-label={x.downloadTableCsv(props.name)} data-testid={props.testId ?? 'table-csv'}>
      {x.downloadCsv}
    </button>
  );
}

/** "Ladda ner CSV" for an API answer: GETs `path` as text/csv with the key and saves exactly its bytes. */
export function ApiCsvButton(props: { path: string; filename: string; label?: string; testId?: string }) {
  const x = useExportLabels();
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const save = async () => {
    setState({ busy: true });
    try {
      saveBlob(await fetchCsv(props.path), props.filename);
      setState({ busy: false });
    } catch (error) {
      setState({ busy: false, error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <span class="export-control">
      <button type="button" class="button subtle export-button" onClick={() => void save()} disabled={state.busy} aria-label={props.label} data-testid={props.testId ?? 'api-csv'}>
        {state.busy ? x.downloading : x.downloadCsv}
      </button>
      {state.error && (
        <span class="error inline-error" role="alert">
          {x.downloadFailed}: {state.error}
        </span>
      )}
    </span>
  );
}

/**
 * The matrix's exports: its CSV exactly as the API answers it for the same date, county and
 * "known at" (`GET /v1/matrix` with `Accept: text/csv`), and printing (the print stylesheet
 * in styles.css lays the whole table out on A4 landscape pages).
 */
export function MatrixExportTools(props: { on: string; knownAt: string | undefined; county: string }) {
  const x = useExportLabels();
  const path = `/v1/matrix${query({ on: props.on, knownAt: props.knownAt, county: props.county })}`;
  const filename = `samverkan-matrix-${fileNamePart(props.on)}${props.county ? `-${fileNamePart(props.county)}` : ''}${props.knownAt ? `-known-${fileNamePart(props.knownAt)}` : ''}.csv`;
  return (
    <div class="export-tools" role="group" aria-label={x.exportMatrix}>
      <ApiCsvButton path={path} filename={filename} testId="matrix-csv" />
      <button type="button" class="button subtle export-button" onClick={() => window.print()} aria-label={x.printMatrix} data-testid="matrix-print">
        {x.print}
      </button>
    </div>
  );
}

/**
 * What a printed matrix says above the table (shown in print only): the date, the "known at"
 * and the county, and when it was printed. The print time is written as the browser starts
 * printing (`beforeprint`), straight into the element too, since the print layout may be made
 * before the page renders again.
 */
export function PrintCaption(props: { on: string; knownAt: string | undefined; countyName: string | undefined }) {
  const x = useExportLabels();
  const { locale } = useI18n();
  // To the second: a printout needs no milliseconds.
  const secondNow = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  const [printedAt, setPrintedAt] = useState(secondNow);
  const time = useRef<HTMLTimeElement>(null);
  useEffect(() => {
    const stamp = () => {
      const now = secondNow();
      setPrintedAt(now);
      if (time.current) {
        time.current.dateTime = now;
        time.current.textContent = formatRecorded(now, locale);
      }
    };
    window.addEventListener('beforeprint', stamp);
    return () => window.removeEventListener('beforeprint', stamp);
  }, [locale]);
  const known = props.knownAt ? x.knownAt(formatRecorded(props.knownAt, locale)) : x.knownNow;
  const [before, after] = x.printedCaption(props.on, known, '\u0000').split('\u0000');
  return (
    <p class="print-caption" data-testid="print-caption">
      {props.countyName ? x.printedCounty(props.countyName) : x.printedAllCounties}. {before}
      <time ref={time} dateTime={printedAt} data-testid="printed-at">
        {formatRecorded(printedAt, locale)}
      </time>
      {after}
    </p>
  );
}
