import { ApiError, auth, authHeaders } from './api';
import { Problem } from './types';

/**
 * Downloads from the dashboard: a table as shown on the page, as CSV (RFC 4180), and an API
 * answer byte for byte (the matrix's own CSV). Both are built in the page as a Blob and saved
 * through an object URL and a link with `download`, so nothing leaves the page but the file:
 * no second request without the key, no navigation (the CSP's `default-src 'self'` does not
 * govern a download).
 */

export type CsvValue = string | number | boolean | null | undefined;

/** The byte order mark: Excel reads a CSV file as UTF-8 (å, ä, ö) only when it starts with one. */
export const UTF8_BOM = '\uFEFF';

/**
 * One field as RFC 4180 §2 writes it: quoted when it holds a quote, a comma or a line break,
 * quotes doubled. A field a spreadsheet would take for a formula (=, +, -, @, tab, CR first)
 * gets a leading apostrophe, as the API's own CSV does (CSV injection).
 */
export function csvField(value: CsvValue): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A header row and the rows, each line ended by CRLF (RFC 4180 §2.1–2.3), without the byte order mark. */
export function toCsv(header: readonly CsvValue[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** The CSV as a file for a spreadsheet: the byte order mark, then the text. */
export function csvDocument(header: readonly CsvValue[], rows: readonly (readonly CsvValue[])[]): string {
  return UTF8_BOM + toCsv(header, rows);
}

/** The little of a table element this module reads, so that it can be tested without a DOM. */
export interface TableLike {
  tHead: { rows: ArrayLike<RowLike> } | null;
  tBodies: ArrayLike<{ rows: ArrayLike<RowLike> }>;
}
interface RowLike {
  cells: ArrayLike<CellLike>;
}
interface CellLike {
  textContent: string | null;
  getAttribute(name: string): string | null;
}

/** A cell's text as a reader sees it: white space collapsed; `data-csv` on the cell, when there, says it exactly instead. */
function cellText(cell: CellLike): string {
  return cell.getAttribute('data-csv') ?? (cell.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * The table as shown: the head's last row as the header (a one-row head is the common case),
 * then every body row. Reading the rendered table rather than the data behind it means the
 * file has exactly the rows and words on screen, whatever filter or language is chosen.
 */
export function tableCsv(table: TableLike): string {
  const headRows = table.tHead ? Array.from(table.tHead.rows) : [];
  const header = headRows.length ? Array.from(headRows[headRows.length - 1].cells, cellText) : [];
  const rows = Array.from(table.tBodies).flatMap((body) => Array.from(body.rows, (row) => Array.from(row.cells, cellText)));
  return csvDocument(header, rows);
}

/** Saves `blob` as `filename`: a link with `download` to an object URL, clicked, then let go of. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked a little later: Chromium reads the URL after the click has returned.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function saveCsvText(text: string, filename: string): void {
  saveBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), filename);
}

/**
 * GETs `path` as CSV with the page's key and answers the bytes exactly as sent (the API's own
 * CSV, not rewritten). A 401 asks for a key, as every other request of the page does.
 */
export async function fetchCsv(path: string): Promise<Blob> {
  const response = await fetch(path, { headers: { Accept: 'text/csv', ...authHeaders() } });
  if (response.ok) return new Blob([await response.arrayBuffer()], { type: 'text/csv;charset=utf-8' });
  let problem: Problem | undefined;
  try {
    problem = (await response.json()) as Problem;
  } catch {
    problem = undefined;
  }
  if (response.status === 401) auth.unauthenticated();
  throw new ApiError(response.status, problem, problem?.detail ?? `${response.status} ${response.statusText}`);
}

/** A file name part from a register value: letters, digits and dashes only (`2020-06-01`, `05`, an arrangement id). */
export function fileNamePart(value: string): string {
  return value.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}
