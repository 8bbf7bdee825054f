import { foldAsOf } from '@samverkan/shared';
import { agreementDecider, agreementStatusView, federationDecider, membershipsAsShown, missingCouncilDecisions, missingSignatures, providingFederationId, stockholmDateOf, streams, studyDecider } from '@samverkan/domain';
import { RecordedEvent } from '@samverkan/event-store';
import { CliContext, json, out } from '../context';
import { ServiceClient, apiKey } from '../http';
import { CliError } from '../options';
import { logSource } from '../sources';

const KINDS: Record<string, 'federation' | 'agreement' | 'study'> = {
  federation: 'federation',
  federations: 'federation',
  'joint-committee': 'federation',
  agreement: 'agreement',
  agreements: 'agreement',
  study: 'study',
  studies: 'study',
};
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * `state <kind> <id> --at-revision N | --known-at T`: an arrangement as it was, folded from
 * its stream exactly as `GET /v1/{federations|agreements|studies}/{id}` does (or asked of a
 * running service with --url).
 */
export async function stateCommand(ctx: CliContext): Promise<number> {
  const [kindArg, id] = ctx.positionals;
  const kind = kindArg ? KINDS[kindArg] : undefined;
  if (!kind || !id) throw new CliError('state needs a kind (federation, joint-committee, agreement, study) and an id, e.g. state agreement lkp-buys-payroll-2020 --at-revision 2', 2);
  if (!ID.test(id)) throw new CliError(`'${id}' is not an arrangement id`, 2);
  const { options, io } = ctx;
  if (options.atRevision !== undefined && !/^\d{1,9}$/.test(options.atRevision)) throw new CliError('--at-revision must be a stream revision (a whole number)', 2);
  if (options.knownAt !== undefined && (!INSTANT.test(options.knownAt) || Number.isNaN(Date.parse(options.knownAt)))) {
    throw new CliError('--known-at must be an ISO 8601 instant with an offset, e.g. 2019-11-01T12:00:00Z', 2);
  }

  let state: Record<string, unknown> | undefined;
  if (options.url && !options.file && !options.dataDir && !options.esdb) {
    const query = new URLSearchParams({ ...(options.atRevision !== undefined ? { atRevision: options.atRevision } : {}), ...(options.knownAt ? { knownAt: options.knownAt } : {}) });
    const path = `/v1/${kind === 'study' ? 'studies' : `${kind}s`}/${id}${query.size > 0 ? `?${query.toString()}` : ''}`;
    state = await new ServiceClient(options.url, apiKey(options, io.env)).get<Record<string, unknown> | undefined>(path, { allow404: true });
  } else {
    const log = logSource(options, io.env);
    try {
      const recorded = await log.stream(streams[kind](id));
      const provider = kind === 'agreement' ? providingFederationId(foldAsOf(streams.agreement(id), agreementDecider, recorded).state) : undefined;
      const providerEvents = provider === undefined ? [] : await log.stream(streams.federation(provider));
      state = foldState(kind, id, recorded, options.atRevision === undefined ? undefined : Number(options.atRevision), options.knownAt, stockholmDateOf(new Date()), providerEvents);
    } finally {
      await log.close();
    }
  }

  const when = [options.atRevision !== undefined ? `at revision ${options.atRevision}` : '', options.knownAt ? `as known at ${options.knownAt}` : ''].filter(Boolean).join(', ');
  if (!state) {
    if (options.json) json(ctx, null);
    else out(ctx, `There is no ${kind} '${id}'${when ? ` ${when}` : ''}.`);
    return 1;
  }
  if (options.json) json(ctx, state);
  else out(ctx, `${kind} ${id}${when ? ` ${when}` : ''} (revision ${String(state.revision)}, status ${String(state.status)}):\n${JSON.stringify(state, null, 2)}`);
  return 0;
}

/**
 * The same fold and the same shape as the service's GetArrangementStateHandler. `providerEvents`:
 * the stream of the federation an agreement is provided by (a dissolved provider ends its
 * agreements), folded as known at the same moment as the agreement.
 */
export function foldState(
  kind: 'federation' | 'agreement' | 'study',
  id: string,
  recorded: RecordedEvent[],
  atRevision: number | undefined,
  knownAt: string | undefined,
  today: string,
  providerEvents: RecordedEvent[] = [],
): Record<string, unknown> | undefined {
  const asOf = { atRevision, knownAt };
  if (kind === 'federation') {
    const { state, revision } = foldAsOf(streams.federation(id), federationDecider, recorded, asOf);
    return state.status === 'none' ? undefined : { kind: state.form, ...state, memberships: membershipsAsShown(state), revision };
  }
  if (kind === 'agreement') {
    const { state, revision } = foldAsOf(streams.agreement(id), agreementDecider, recorded, asOf);
    if (state.status === 'none') return undefined;
    const providerId = providingFederationId(state);
    const providerKnownAt = knownAt ?? (atRevision !== undefined ? recorded.find((e) => e.revision === revision)?.metadata.recordedAt : undefined);
    const provider = providerId === undefined ? undefined : foldAsOf(streams.federation(providerId), federationDecider, providerEvents, providerKnownAt !== undefined ? { knownAt: providerKnownAt } : {}).state;
    const { status, endedBy } = agreementStatusView(state, today, provider?.status === 'none' ? undefined : provider);
    return { ...state, status, ...(endedBy ? { endedBy } : {}), missingSignatures: missingSignatures(state), missingCouncilDecisions: missingCouncilDecisions(state), revision };
  }
  const { state, revision } = foldAsOf(streams.study(id), studyDecider, recorded, asOf);
  return state.status === 'none' ? undefined : { ...state, revision };
}
