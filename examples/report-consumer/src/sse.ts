/** One Server-Sent Events message. */
export interface SseMessage {
  event: string;
  id?: string;
  data: string;
}

/**
 * Parses an event stream (text/event-stream) as it arrives. Feed it text; it returns the
 * messages that are complete. Comments (heartbeats) and `retry:` are skipped.
 */
export class SseParser {
  private buffer = '';

  push(text: string): SseMessage[] {
    this.buffer += text;
    const messages: SseMessage[] = [];
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const block = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'id') id = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) messages.push({ event, ...(id !== undefined ? { id } : {}), data: data.join('\n') });
    }
    return messages;
  }
}
