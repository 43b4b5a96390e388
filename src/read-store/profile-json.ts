/**
 * A stored profile document as the API shows it, as JSON text: the document without its graph id (a raw identity
 * value the API never shows). The projector writes documents as `{"profileId":…,"graphId":…,…}` (project-batch.ts),
 * so the text a read needs is the stored text with that one member cut out: no parse, no object, no re-serialise.
 * The result is byte for byte `JSON.stringify` of the parsed document without `graphId`: JSON.stringify's output
 * parses and serialises back to itself, key order included. Any other shape takes the parse path.
 */
const HEAD = '{"profileId":"';

export function profileJsonOf(stored: string, graphId: string): string {
  const idEnd = stored.indexOf('"', HEAD.length);
  const member = `,"graphId":${JSON.stringify(graphId)}`;
  // A profile id is `p_` and base64url: no quote, no escape. Anything else is not the shape this relies on.
  if (stored.startsWith(HEAD) && idEnd > 0 && !stored.slice(HEAD.length, idEnd).includes('\\') && stored.startsWith(member, idEnd + 1)) {
    return stored.slice(0, idEnd + 1) + stored.slice(idEnd + 1 + member.length);
  }
  return JSON.stringify(withoutGraphId(JSON.parse(stored) as Record<string, unknown>));
}

export function withoutGraphId(doc: Record<string, unknown>): Record<string, unknown> {
  const { graphId: _graphId, ...rest } = doc;
  return rest;
}
