import { CalendarDate } from '../shared/calendar-date';
import { Basis } from '../shared/provider-basis';
import { ResolvedBases } from '../provisions/coverage';
import { CatalogFacts } from '../shared/facts';
import { TransferFacts } from './municipality.events';

export type RegisterMunicipality = { type: 'RegisterMunicipality'; code: string; name: string; countyCode: string; countyName: string };

export type TransferService = {
  type: 'TransferService';
  transferId: string;
  serviceArea: string;
  basis: Basis;
  decidedOn: CalendarDate;
  effectiveFrom: CalendarDate;
  /** The basis's arrangement (and an agreement's provider federation), loaded by the caller. */
  bases: ResolvedBases;
  successorOf?: TransferFacts['successorOf'];
} & CatalogFacts;

export type CorrectTransfer = {
  type: 'CorrectTransfer';
  transferId: string;
  reason: string;
  replacement?: { transferId: string; serviceArea: string; basis: Basis; decidedOn: CalendarDate; effectiveFrom: CalendarDate };
  bases: ResolvedBases;
} & CatalogFacts;

export type MunicipalityCommand = RegisterMunicipality | TransferService | CorrectTransfer;
