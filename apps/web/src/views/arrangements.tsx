import { useEffect } from 'preact/hooks';
import { LiveState, useApi, useLiveRefresh, useReference } from '../hooks';
import { useI18n } from '../i18n';
import { ArrangementSummary } from '../types';
import { Badge, ErrorBox, Link, Loading } from './common';

/** Every federation, joint committee, agreement and study, linking to their pages. */
export function ArrangementsView(props: { authVersion: number; onLive(state: LiveState): void }) {
  const { l, term } = useI18n();
  const reference = useReference();
  const list = useApi<ArrangementSummary[]>('/v1/arrangements', props.authVersion);
  const live = useLiveRefresh('/v1/subscriptions/events?streams=federation,agreement,study', list.refresh, ['domain-event'], props.authVersion);
  useEffect(() => props.onLive(live ? 'live' : 'connecting'), [live]);
  const name = (code: string) => reference.municipalities.get(code)?.name ?? code;
  return (
    <div class="page">
      <h1>{l.arrangements}</h1>
      <p class="lead">{l.arrangementsIntro}</p>
      {list.error && <ErrorBox error={list.error} retry={list.refresh} />}
      {!list.data && !list.error && <Loading />}
      {list.data && (
        <div class="table-scroll">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{l.title}</th>
                <th scope="col">{l.kind}</th>
                <th scope="col">{l.status}</th>
                <th scope="col">{l.parties}</th>
              </tr>
            </thead>
            <tbody>
              {[...list.data]
                .sort((a, b) => a.title.localeCompare(b.title, 'sv'))
                .map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link href={`/arrangements/${encodeURIComponent(a.id)}`}>{a.title}</Link>
                    </td>
                    <td>
                      <Badge tone={a.kind}>{term(`kind.${a.kind}`)}</Badge>
                    </td>
                    <td>
                      <Badge tone={`status-${a.status}`}>{term(`status.${a.status}`)}</Badge>
                    </td>
                    <td>{a.parties.map(name).join(', ')}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
