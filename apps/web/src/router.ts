import { useEffect, useState } from 'preact/hooks';
import { TargetedMouseEvent } from 'preact';

/**
 * A small client-side router: the path picks the page (`/`, `/attention`, `/arrangements`,
 * `/arrangements/<id>`) and the query holds the view's state (`on`, `knownAt`, `county`, `q`,
 * `cell`), so every view can be linked to and the back button works. The service answers
 * these paths with the page (apps/api/src/web-app.ts).
 */

export interface Route {
  path: string;
  params: URLSearchParams;
}

const NAVIGATED = 'samverkan:navigated';

function current(): Route {
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (url === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The URL with some query parameters changed (undefined or empty removes one). */
export function withParams(route: Route, changes: Record<string, string | undefined>, path = route.path): string {
  const params = new URLSearchParams(route.params);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '') params.delete(name);
    else params.set(name, value);
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return route;
}

/** Follows an in-app link without reloading the page; other clicks (new tab, modifiers) behave as usual. */
export function followLink(event: TargetedMouseEvent<HTMLAnchorElement>): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = event.currentTarget;
  if (anchor.target && anchor.target !== '_self') return;
  const url = new URL(anchor.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
  window.scrollTo(0, 0);
  focusMainHeadingSoon(anchor);
}

let stopWaiting: (() => void) | undefined;

/**
 * After an in-app link, focus goes to the new view's main heading (`main h1`) once it is on
 * the page (a view may show "Loading…" first), so that keyboard and screen-reader users start
 * at the top of the new view, not on the body. Focus that has moved elsewhere meanwhile (a
 * view that focuses something of its own, the reader) is left where it is.
 */
function focusMainHeadingSoon(link: HTMLElement): void {
  stopWaiting?.();
  const main = document.getElementById('main');
  if (!main) return;
  const tryFocus = (): boolean => {
    const active = document.activeElement;
    const untouched = !active || active === document.body || active === main || active === link || !active.isConnected;
    if (!untouched) return true;
    const heading = main.querySelector<HTMLElement>('h1');
    if (!heading) return false;
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
    return true;
  };
  const observer = new MutationObserver(() => {
    if (tryFocus()) stop();
  });
  let frame: number | undefined;
  const timer = setTimeout(() => stop(), 10_000);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
    if (frame !== undefined) cancelAnimationFrame(frame);
    if (stopWaiting === stop) stopWaiting = undefined;
  };
  stopWaiting = stop;
  // Looked for once the new route has rendered (not before: the old view's heading is still there), then as the view fills in.
  frame = requestAnimationFrame(() => {
    frame = undefined;
    if (tryFocus()) stop();
    else observer.observe(main, { childList: true, subtree: true });
  });
}
