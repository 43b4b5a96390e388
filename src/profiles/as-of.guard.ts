import { unprocessable } from '../common/app-error';

/** asOf reads are served by the audit slice; until it is mounted, an asOf read is refused rather than answered wrongly. */
export function refuseAsOf(asOf: string | undefined): void {
  if (asOf !== undefined) throw unprocessable('AS_OF_UNAVAILABLE', 'asOf reads are not available in this build');
}
