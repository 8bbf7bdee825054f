import { auth, authHeaders } from './api';
import { createSseParser, SseMessage } from './sse-parser';

export interface SubscriptionHandlers {
  onMessage(message: SseMessage): void;
  /** True once the stream is live (after `caught-up`); false while it is connecting again. */
  onLive?(live: boolean): void;
}

/**
 * Follows one of the API's Server-Sent Events feeds with `fetch` (so that the API key can be
 * sent as a header, which EventSource cannot do), and reconnects after a drop with the last
 * id as Last-Event-ID, so nothing is missed and nothing comes twice. Returns a function that stops it.
 */
export function subscribe(path: string, handlers: SubscriptionHandlers): () => void {
  const controller = new AbortController();
  let lastEventId: string | undefined;
  let retryMs = 2000;
  let stopped = false;

  const run = async (): Promise<void> => {
    while (!stopped) {
      handlers.onLive?.(false);
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream', ...authHeaders() };
        if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
        const response = await fetch(path, { headers, signal: controller.signal, cache: 'no-store' });
        if (response.status === 401) {
          auth.unauthenticated();
          return; // The page mounts a new subscription once it has a key.
        }
        if (!response.ok || !response.body) throw new Error(`subscription answered ${response.status}`);
        const parser = createSseParser((message) => {
          if (message.event === 'caught-up') handlers.onLive?.(true);
          handlers.onMessage(message);
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(value);
          lastEventId = parser.lastEventId ?? lastEventId;
          retryMs = parser.retryMs ?? retryMs;
        }
      } catch (error) {
        if (stopped) return;
        console.warn('Samverkan: the live subscription dropped; reconnecting.', error);
      }
      if (stopped) return;
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}
