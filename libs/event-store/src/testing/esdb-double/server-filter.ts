import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { LoggedEvent } from './in-memory-log';

/** The server's catch-up page size (`ReadBatchSize`), also the search window when the filter asks for `count`. */
export const READ_BATCH_SIZE = 32;

/** A `$all` filter as the server applies it (`ReadReq.Options.FilterOptions`). */
export interface ServerFilter {
  matches(event: LoggedEvent): boolean;
  /** How many events one catch-up page examines: `max`, or 32 for the `count` window. */
  searchWindow: number;
  /** A checkpoint is due every `checkpointIntervalMultiplier × searchWindow` examined events. */
  checkpointInterval: number;
}

/**
 * The filter of a read or subscription, or undefined for `no_filter`. An expression is a
 * regex (matched anywhere, like .NET's Regex.IsMatch) or, when the regex is empty, a list
 * of prefixes; it applies to the event type or to the stream name.
 */
export function toServerFilter(options: ReadReq.Options): ServerFilter | undefined {
  const filter = options.getFilter();
  if (options.getFilterOptionCase() !== ReadReq.Options.FilterOptionCase.FILTER || filter === undefined) return undefined;

  const onEventType = filter.getFilterCase() === ReadReq.Options.FilterOptions.FilterCase.EVENT_TYPE;
  const expression = onEventType ? filter.getEventType() : filter.getStreamIdentifier();
  const regex = expression?.getRegex() ?? '';
  const prefixes = expression?.getPrefixList() ?? [];
  const pattern = regex === '' ? undefined : new RegExp(regex);
  const test = (value: string): boolean => (pattern ? pattern.test(value) : prefixes.some((prefix) => value.startsWith(prefix)));

  const searchWindow = filter.getWindowCase() === ReadReq.Options.FilterOptions.WindowCase.MAX ? filter.getMax() : READ_BATCH_SIZE;
  return {
    matches: (event) => test(onEventType ? event.type : event.stream),
    searchWindow,
    checkpointInterval: filter.getCheckpointintervalmultiplier() * searchWindow,
  };
}
