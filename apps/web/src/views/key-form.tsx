import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, auth, getJson } from '../api';
import { useI18n } from '../i18n';

/**
 * Asked for when the API answers 401: an API key, tried once against the API before it is
 * kept (in this tab's sessionStorage only).
 */
export function KeyForm() {
  const { l } = useI18n();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const candidate = key.trim();
    if (!candidate) return;
    setBusy(true);
    setError(undefined);
    try {
      await getJson('/v1/service-areas', { key: candidate });
      auth.setKey(candidate);
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      setError(status === 401 ? l.keyRejected : status === 403 ? l.keyForbidden : e instanceof Error ? e.message : String(e));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page key-page">
      <form class="key-form" onSubmit={(event) => void submit(event)} data-testid="key-form">
        <h1>{l.keyTitle}</h1>
        <p>{l.keyIntro}</p>
        <label for="api-key">{l.keyLabel}</label>
        <input
          id="api-key"
          ref={input}
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'api-key-error' : undefined}
          required
        />
        {error && (
          <p id="api-key-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button primary" disabled={busy}>
          {l.keySubmit}
        </button>
      </form>
    </div>
  );
}
