import { SseMessage, createSseParser } from './sse-parser';

/** The dashboard reads the API's event streams with fetch; this parser turns the text into messages. */
describe('the Server-Sent Events parser', () => {
  const STREAM =
    'retry: 2000\n\n' +
    'id: 345:1\nevent: provision-changed\ndata: {"municipality":"0580"}\n\n' +
    ': heartbeat\n\n' +
    'id: 345\r\nevent: provision-changed\r\ndata: {"a":1}\r\n\r\n' +
    'event: error\ndata: line one\ndata: line two\n\n' +
    'id: 400\nevent: caught-up\ndata: {"position":400}\n\n';

  const EXPECTED: SseMessage[] = [
    { event: 'provision-changed', data: '{"municipality":"0580"}', id: '345:1' },
    { event: 'provision-changed', data: '{"a":1}', id: '345' },
    { event: 'error', data: 'line one\nline two' },
    { event: 'caught-up', data: '{"position":400}', id: '400' },
  ];

  const parse = (chunks: string[]) => {
    const messages: SseMessage[] = [];
    const parser = createSseParser((m) => messages.push(m));
    for (const chunk of chunks) parser.push(chunk);
    return { messages, parser };
  };

  it('reads messages, ids, multi-line data and retry, and skips comments', () => {
    const { messages, parser } = parse([STREAM]);
    expect(messages).toEqual(EXPECTED);
    expect(parser.lastEventId).toBe('400');
    expect(parser.retryMs).toBe(2000);
  });

  it('gives the same messages however the text is cut into chunks, CRLF included', () => {
    for (let size = 1; size <= 13; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.slice(i, i + size));
      expect(parse(chunks).messages).toEqual(EXPECTED);
    }
    // A CR at the end of one chunk and the LF at the start of the next are one line end, not two.
    expect(parse(['event: a\r', '\ndata: x\r', '\n\r', '\n']).messages).toEqual([{ event: 'a', data: 'x' }]);
  });

  it('holds back a message until its blank line arrives', () => {
    const { messages, parser } = parse(['id: 7\nevent: domain-event\ndata: {}\n']);
    expect(messages).toEqual([]);
    parser.push('\n');
    expect(messages).toEqual([{ event: 'domain-event', data: '{}', id: '7' }]);
  });
});
