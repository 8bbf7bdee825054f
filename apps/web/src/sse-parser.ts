/**
 * A Server-Sent Events parser (the WHATWG event-stream format), for reading a stream with
 * `fetch`: EventSource cannot send the Authorization header the API needs.
 * Text goes in as it arrives, in chunks cut anywhere; whole messages come out.
 */

export interface SseMessage {
  event: string;
  data: string;
  /** The `id:` of this message, if it had one. */
  id?: string;
}

export interface SseParser {
  push(chunk: string): void;
  /** The last `id:` seen (what to send back as Last-Event-ID), or undefined. */
  readonly lastEventId: string | undefined;
  /** The server's `retry:` in milliseconds, if it sent one. */
  readonly retryMs: number | undefined;
}

export function createSseParser(onMessage: (message: SseMessage) => void): SseParser {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  let lastEventId: string | undefined;
  let retryMs: number | undefined;
  let sawField = false;

  const dispatch = () => {
    if (id !== undefined) lastEventId = id;
    if (sawField && data.length > 0) onMessage({ event: event || 'message', data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
    event = '';
    data = [];
    id = undefined;
    sawField = false;
  };

  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return; // a comment (heartbeat)
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    sawField = true;
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
  };

  return {
    push(chunk: string) {
      buffer += chunk;
      // Lines end with CRLF, LF or CR. A CR at the very end may be the first half of a CRLF: wait for more.
      for (;;) {
        const match = /\r\n|\n|\r/.exec(buffer);
        if (!match) break;
        if (match[0] === '\r' && match.index === buffer.length - 1) break;
        line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    },
    get lastEventId() {
      return lastEventId;
    },
    get retryMs() {
      return retryMs;
    },
  };
}
