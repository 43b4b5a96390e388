/**
 * `asOf` as the reads take it: the DTO has checked it is ISO-8601 with a zone; this turns it into log time (epoch
 * ms). Everything appended strictly before it counts.
 */
export function asOfTime(asOf: string | undefined): number | undefined {
  return asOf === undefined ? undefined : Date.parse(asOf);
}
