/** One Server-Sent Events message. `data` is JSON on one line (JSON.stringify never writes a raw newline). */
export function sseFrame(event: string, data: unknown, id?: string): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by every SSE client, keeps the connection from idling out. */
export const HEARTBEAT_FRAME = ': heartbeat\n\n';

/** Where a provision subscriber is in the change stream: after change `index` of the event at `position` (Infinity: after all of them). */
export interface ProvisionCursor {
  position: number;
  index: number;
}

const PROVISION_ID = /^(\d{1,16})(?::(\d{1,6}))?$/;
const EVENT_ID = /^\d{1,16}$/;

/**
 * The `id:` of a provision change. Most events change one span, so the id is the log
 * position. When one event changes several, the last one carries the position and the ones
 * before it `position:n` (the n-th of that event), so a connection cut between them resumes
 * inside the event: no change is sent twice and none is skipped.
 */
export function provisionEventId(position: number, index: number, of: number): string {
  return index >= of ? String(position) : `${position}:${index}`;
}

export function formatProvisionCursor(cursor: ProvisionCursor): string {
  return cursor.index === Infinity ? String(cursor.position) : `${cursor.position}:${cursor.index}`;
}

/** Parses a `Last-Event-ID` of the provisions feed; undefined when it is not one. */
export function parseProvisionCursor(text: string): ProvisionCursor | undefined {
  const match = PROVISION_ID.exec(text.trim());
  if (!match) return undefined;
  const position = Number(match[1]);
  if (!Number.isSafeInteger(position)) return undefined;
  return { position, index: match[2] === undefined ? Infinity : Number(match[2]) };
}

/** Parses a `Last-Event-ID` of the events feed (a log position); undefined when it is not one. */
export function parseEventPosition(text: string): number | undefined {
  const trimmed = text.trim();
  if (!EVENT_ID.test(trimmed)) return undefined;
  const position = Number(trimmed);
  return Number.isSafeInteger(position) ? position : undefined;
}

/** Strictly after: (position, index) in lexicographic order. */
export function isAfter(position: number, index: number, cursor: ProvisionCursor): boolean {
  return position > cursor.position || (position === cursor.position && index > cursor.index);
}
