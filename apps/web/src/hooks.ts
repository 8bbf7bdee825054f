import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, auth, getJson } from './api';
import { subscribe } from './sse';
import { Municipality, ServiceArea } from './types';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  /** Fetches again, keeping the current data on screen until the answer comes. */
  refresh: () => void;
}

/** The register's reference data, loaded once: municipalities by code and service areas in order. */
export interface Reference {
  municipalities: Map<string, Municipality>;
  serviceAreas: ServiceArea[];
  areaBySlug: Map<string, ServiceArea>;
}

export const ReferenceContext = createContext<Reference>({ municipalities: new Map(), serviceAreas: [], areaBySlug: new Map() });

export function useReference(): Reference {
  return useContext(ReferenceContext);
}

/** Re-renders when the auth state changes (a key entered or forgotten, a 401). */
export function useAuthVersion(): { needsKey: boolean; version: number } {
  const [version, setVersion] = useState(0);
  useEffect(() => auth.subscribe(() => setVersion((v) => v + 1)), []);
  return { needsKey: auth.needsKey, version };
}

/**
 * GETs `path` (null: nothing yet) and keeps the answer. A newer path cancels the request
 * for an older one, so a quick run of slider moves ends on the last date's answer.
 */
export function useApi<T>(path: string | null, version = 0): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError | Error; loading: boolean; path?: string | null }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    getJson<T>(path, { signal: controller.signal }).then(
      (data) => setState({ data, loading: false, path }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      },
    );
    return () => controller.abort();
  }, [path, version, tick]);
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, refresh };
}

/**
 * Calls `refresh` soon after a message of the feed at `path` (null: not subscribed), at most
 * every 150 ms, and after a reconnection has caught up (to cover what happened while away).
 * Returns whether the feed is live.
 */
export function useLiveRefresh(path: string | null, refresh: () => void, events: string[], version = 0): boolean {
  const [live, setLive] = useState(false);
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    if (path === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let caughtUp = 0;
    const soon = () => {
      if (timer === undefined) timer = setTimeout(() => ((timer = undefined), latest.current()), 150);
    };
    const stop = subscribe(path, {
      onMessage: (message) => {
        if (message.event === 'caught-up') {
          if (caughtUp++ > 0) soon();
        } else if (events.includes(message.event)) soon();
      },
      onLive: setLive,
    });
    return () => {
      stop();
      if (timer !== undefined) clearTimeout(timer);
      setLive(false);
    };
  }, [path, version, events.join(',')]);
  return live;
}

/**
 * What the header says about the page's feed: live, still connecting, or off (nothing to
 * follow: a past "known at" cannot change, an unknown arrangement has no feed).
 */
export type LiveState = 'live' | 'connecting' | 'off';

export function liveStateOf(path: string | null, live: boolean): LiveState {
  return path === null ? 'off' : live ? 'live' : 'connecting';
}

/** A value that follows `value` after it has stood still for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}
