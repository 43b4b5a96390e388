import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/**
 * The lookup baseline: a bare node:http server answering every request with the same bytes (a real profile body
 * captured from the service) and headers. Run as its own process, like the service, so both are measured alike:
 *   node bare-server.js <body-file>   → prints "listening <port>" on stdout.
 */
const body = readFileSync(process.argv[2]);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
