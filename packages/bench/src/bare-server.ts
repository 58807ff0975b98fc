/**
 * The bare-HTTPS ceiling (a child process): a plain node:https server, same certificate as the
 * apiserver, answering every request with the same 1 KB JSON document. Nothing a real server
 * needs (routing, authentication, storage) runs: what it serves is the most one Node process
 * can answer on this machine, and the apiserver's get is judged against it.
 *   node dist/bare-server.js <cert-file> <key-file>   → prints {"port": N} on stdout
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** A JSON object of exactly `bytes` bytes. */
export function constantJson(bytes: number): Buffer {
  const head = '{"kind":"Constant","padding":"';
  const tail = '"}';
  return Buffer.from(`${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`);
}

function main(): void {
  const [certFile, keyFile] = process.argv.slice(2);
  if (!certFile || !keyFile) throw new Error('usage: bare-server <cert-file> <key-file>');
  const body = constantJson(1024);
  const server = https.createServer(
    { cert: readFileSync(certFile), key: readFileSync(keyFile) },
    (req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    },
  );
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

if (require.main === module) main();
