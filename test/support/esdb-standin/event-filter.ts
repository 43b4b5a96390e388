import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { StoredEvent } from './in-memory-log';

/** The server-side filter of a $all read or subscription: on event type or stream name, by prefixes or regex. */
export interface EventFilter {
  matches(event: StoredEvent): boolean;
  /** Send a checkpoint after this many scanned events (window × checkpoint interval multiplier). */
  checkpointEvery: number;
}

const DEFAULT_WINDOW = 32;

export function eventFilter(options: ReadReq.Options): EventFilter | undefined {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter() as ReadReq.Options.FilterOptions;
  const onType = filter.hasEventType();
  const expression = onType ? filter.getEventType() : filter.getStreamIdentifier();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const test = (value: string) =>
    prefixes.length > 0 ? prefixes.some((p) => value.startsWith(p)) : regex ? regex.test(value) : true;
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_WINDOW;
  return {
    matches: (event) => test(onType ? event.type : event.stream),
    checkpointEvery: Math.max(1, window * Math.max(1, filter.getCheckpointintervalmultiplier())),
  };
}
