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
}
