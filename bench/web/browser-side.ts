/**
 * What the web step runs inside the page (as source text: this program has no DOM library, and
 * the page's Content-Security-Policy does not govern scripts evaluated through the DevTools
 * protocol). Times are the page's own `performance.now()`, whose zero is the navigation's start.
 *
 * "Painted" is taken as the first task after the frame that renders the change: a
 * requestAnimationFrame callback runs just before the browser paints that frame, and a message
 * posted from it is handled after the paint.
 */

/**
 * An init script (runs before the page's own scripts) that resolves the promise
 * `window.__benchFirstPaint` with the time `selector` first matched `count` times (290 rows,
 * 290 paths) and was painted, in ms since navigation start.
 */
export function firstPaintWatcher(selector: string, count: number): string {
  return `window.__benchFirstPaint = new Promise((resolve) => {
    const selector = ${JSON.stringify(selector)};
    const count = ${count};
    const check = () => document.querySelectorAll(selector).length >= count;
    const painted = () => requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(0);
    });
    const observer = new MutationObserver(() => {
      if (check()) { observer.disconnect(); painted(); }
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true });
  });`;
}

/**
 * A date step in an open page: types `date` into the page's date field (`#on-date`, as a reader's
 * change event) and resolves with the ms until `selector` (the view showing that date) is painted,
 * and the size and timing of the /v1/matrix answer the step fetched.
 */
export function dateStep(date: string, selector: string): string {
  return `new Promise((resolve, reject) => {
    const selector = ${JSON.stringify(selector)};
    const input = document.querySelector('#on-date');
    if (!input) { reject(new Error('no #on-date on the page')); return; }
    const before = performance.getEntriesByType('resource').length;
    const timer = setTimeout(() => reject(new Error('the page did not show ' + selector + ' within 30 s')), 30000);
    const t0 = performance.now();
    const done = () => requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const ms = performance.now() - t0;
        clearTimeout(timer);
        const answers = performance.getEntriesByType('resource').slice(before).filter((e) => e.name.includes('/v1/matrix'));
        const last = answers[answers.length - 1];
        resolve({ ms, fetches: answers.length, url: last ? last.name : null, transferSize: last ? last.transferSize : null, encodedBodySize: last ? last.encodedBodySize : null, decodedBodySize: last ? last.decodedBodySize : null, responseMs: last ? last.responseEnd - last.startTime : null });
      };
      channel.port2.postMessage(0);
    });
    const observer = new MutationObserver(() => {
      if (document.querySelector(selector)) { observer.disconnect(); done(); }
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true });
    input.value = ${JSON.stringify(date)};
    input.dispatchEvent(new Event('change', { bubbles: true }));
  })`;
}

/**
 * The baseline of a date step: a bare `fetch` of the same kind of answer from the same page
 * (its key, its connection, its compression), the body read, then `JSON.parse`, and nothing drawn.
 */
export function bareFetch(path: string): string {
  return `(async () => {
    const t0 = performance.now();
    const response = await fetch(${JSON.stringify(path)}, { headers: { Accept: 'application/json' } });
    const text = await response.text();
    const t1 = performance.now();
    const parsed = JSON.parse(text);
    const t2 = performance.now();
    if (!response.ok || !parsed.rows) throw new Error('GET ' + ${JSON.stringify(path)} + ': ' + response.status);
    const entry = performance.getEntriesByName(new URL(${JSON.stringify(path)}, location.href).href).pop();
    return { ms: t2 - t0, parseMs: t2 - t1, encoding: response.headers.get('content-encoding'), chars: text.length, transferSize: entry ? entry.transferSize : null, encodedBodySize: entry ? entry.encodedBodySize : null };
  })()`;
}
