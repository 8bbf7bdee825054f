import { Map as PersistentMap } from 'immutable';
import { Decider } from '../shared/decider';
import { assertNever, refuse } from '../shared/domain-error';
import { assertBasisCovers } from '../provisions/coverage';
import { assertKnown } from '../shared/facts';
import { MunicipalityCommand } from './municipality.commands';
import { MunicipalityEvent, TransferFacts } from './municipality.events';

export interface MunicipalityState {
  registered: boolean;
  code: string;
  name: string;
  countyCode: string;
  countyName: string;
  /**
   * Transfers by id (recorded or recorded as a correction's replacement), with whether a
   * correction has since named them. A persistent map, so that evolve stays pure without
   * copying every earlier transfer on each event (O(1) amortised, not O(n)).
   */
  transfers: PersistentMap<string, TransferEntry>;
  /**
   * The lines of corrections: for each transfer a correction named (directly or through a
   * replacement), the replacement that stands for it now, or undefined when the line is withdrawn.
   * A transfer no correction named stands for itself.
   */
  lines: PersistentMap<string, string | undefined>;
}

interface TransferEntry {
  serviceArea: string;
  corrected: boolean;
  /** For a replacement: the first transfer of its line of corrections. */
  root?: string;
}

const initialState: MunicipalityState = { registered: false, code: '', name: '', countyCode: '', countyName: '', transfers: PersistentMap(), lines: PersistentMap() };

function decide(command: MunicipalityCommand, state: MunicipalityState): MunicipalityEvent[] {
  if ('unknown' in command) assertKnown(command.unknown);
  if (command.type !== 'RegisterMunicipality' && !state.registered) refuse('not-found', 'There is no such municipality.');
  switch (command.type) {
    case 'RegisterMunicipality':
      // Registration is idempotent: the service registers the 290 municipalities on every start.
      if (state.registered) return [];
      return [{ type: 'MunicipalityRegistered', data: { code: command.code, name: command.name, countyCode: command.countyCode, countyName: command.countyName } }];
    case 'TransferService': {
      if (state.transfers.has(command.transferId)) refuse('already-exists', `The transfer '${command.transferId}' is already recorded.`);
      const provider = assertBasisCovers(command.basis, state.code, command.serviceArea, command.effectiveFrom, command.bases);
      const facts: TransferFacts = {
        transferId: command.transferId,
        municipality: state.code,
        serviceArea: command.serviceArea,
        basis: command.basis,
        provider,
        decidedOn: command.decidedOn,
        effectiveFrom: command.effectiveFrom,
        ...(command.successorOf ? { successorOf: command.successorOf } : {}),
      };
      return [{ type: 'ServiceTransferred', data: facts }];
    }
    case 'CorrectTransfer': {
      const target = state.transfers.get(command.transferId);
      if (!target) refuse('not-found', `${state.code} has no transfer '${command.transferId}'.`);
      // Decision "corrections stay visible in the history": a correction may itself be corrected.
      // Naming a transfer that was already corrected (or a correction's replacement) corrects that
      // correction; of a transfer's line of corrections the latest recorded one wins (derived on read).
      // Only withdrawing a line that is already withdrawn decides nothing new.
      const r = command.replacement;
      const root = target.root ?? command.transferId;
      const stands = state.lines.has(root) ? state.lines.get(root) !== undefined : true;
      if (!r && !stands) refuse('already-decided', `The transfer '${command.transferId}' is already withdrawn, and no correction since replaced it.`);
      let replacement: TransferFacts | undefined;
      if (r) {
        if (state.transfers.has(r.transferId)) refuse('already-exists', `The transfer '${r.transferId}' is already recorded.`);
        const provider = assertBasisCovers(r.basis, state.code, r.serviceArea, r.effectiveFrom, command.bases);
        replacement = { transferId: r.transferId, municipality: state.code, serviceArea: r.serviceArea, basis: r.basis, provider, decidedOn: r.decidedOn, effectiveFrom: r.effectiveFrom };
      }
      return [
        {
          type: 'CorrectionRecorded',
          data: { municipality: state.code, corrects: { transferId: command.transferId, type: 'ServiceTransferred' }, reason: command.reason, ...(replacement ? { replacement } : {}) },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

function evolve(state: MunicipalityState, event: MunicipalityEvent): MunicipalityState {
  switch (event.type) {
    case 'MunicipalityRegistered':
      return { ...state, registered: true, ...event.data };
    case 'ServiceTransferred':
      return { ...state, transfers: state.transfers.set(event.data.transferId, { serviceArea: event.data.serviceArea, corrected: false }) };
    case 'CorrectionRecorded': {
      const corrected = event.data.corrects.transferId;
      const root = state.transfers.get(corrected)?.root ?? corrected;
      let transfers = state.transfers.set(corrected, { ...state.transfers.get(corrected), corrected: true } as TransferEntry);
      const r = event.data.replacement;
      if (r) transfers = transfers.set(r.transferId, { serviceArea: r.serviceArea, corrected: false, root });
      return { ...state, transfers, lines: state.lines.set(root, r?.transferId) };
    }
    default:
      return assertNever(event);
  }
}

export const municipalityDecider: Decider<MunicipalityCommand, MunicipalityEvent, MunicipalityState> = { decide, evolve, initialState };
