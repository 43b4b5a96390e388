import { createServer } from 'node:http';

/**
 * The single-event ingest baseline: a bare node:http server that reads the whole POST body, parses it as JSON and
 * answers 202 with a body the size of the service's acknowledgement ({"id", "position"}). No validation, no log:
 * what one Node process can do per request on this machine. Run as its own process, like the service:
 *   node bare-post-server.js   → prints "listening <port>" on stdout.
 */
let position = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let id = 'unknown';
    try {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown };
      if (typeof parsed.id === 'string') id = parsed.id;
    } catch {
      res.writeHead(400).end();
      return;
    }
    const body = JSON.stringify({ id, position: String(++position) });
    res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
