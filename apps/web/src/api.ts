import { Problem } from './types';

/**
 * The dashboard's only way to the register: the public HTTP API, with the API key (when the
 * service has keys) sent as `Authorization: Bearer <key>`. The key lives in this tab's
 * sessionStorage only: it is gone when the tab closes, and no other tab or site sees it.
 */

const KEY_ITEM = 'samverkan.apiKey';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    message: string,
  ) {
    super(message);
  }
}

type AuthListener = () => void;
const authListeners = new Set<AuthListener>();
let needsKey = false;

/** The auth state: does the page need a (new) key? Changes notify the listeners. */
export const auth = {
  get needsKey(): boolean {
    return needsKey;
  },
  get key(): string | undefined {
    try {
      return sessionStorage.getItem(KEY_ITEM) ?? undefined;
    } catch {
      return undefined;
    }
  },
  setKey(key: string): void {
    sessionStorage.setItem(KEY_ITEM, key);
    needsKey = false;
    notify();
  },
  forgetKey(): void {
    sessionStorage.removeItem(KEY_ITEM);
    notify();
  },
  /** Called when the API answers 401: the page shows the key form. */
  unauthenticated(): void {
    if (needsKey) return;
    needsKey = true;
    notify();
  },
  subscribe(listener: AuthListener): () => void {
    authListeners.add(listener);
    return () => authListeners.delete(listener);
  },
};

function notify(): void {
  for (const listener of [...authListeners]) listener();
}

export function authHeaders(key: string | undefined = auth.key): Record<string, string> {
  return key ? { Authorization: `Bearer ${key}` } : {};
}

async function problemOf(response: Response): Promise<Problem | undefined> {
  try {
    return (await response.json()) as Problem;
  } catch {
    return undefined;
  }
}

/** GET a JSON answer. A 401 tells the page to ask for a key; every other error becomes an ApiError with the problem's detail. */
export async function getJson<T>(path: string, options: { signal?: AbortSignal; key?: string } = {}): Promise<T> {
  const response = await fetch(path, { headers: { Accept: 'application/json', ...authHeaders(options.key ?? auth.key) }, signal: options.signal });
  if (response.ok) return (await response.json()) as T;
  const problem = await problemOf(response);
  if (response.status === 401 && options.key === undefined) auth.unauthenticated();
  throw new ApiError(response.status, problem, problem?.detail ?? `${response.status} ${response.statusText}`);
}

/** Builds a query string from the defined values only. */
export function query(params: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
