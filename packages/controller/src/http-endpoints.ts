/**
 * The controller's two small HTTP listeners, as controller-runtime's manager has them:
 * Prometheus metrics on --metrics-bind-address and /healthz + /readyz on
 * --health-probe-bind-address. A bind address of "0" turns a listener off.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Endpoint {
  /** http://host:port, with the port actually bound (tests bind :0). */
  url: string;
  close(): Promise<void>;
}

export interface BindAddress {
  host?: string;
  port: number;
}

/** ":8080" → all interfaces; "127.0.0.1:0", "[::1]:8081"; "0" → disabled (undefined). */
export function parseBindAddress(text: string): BindAddress | undefined | 'invalid' {
  if (text === '0') return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):([0-9]{1,5})$/.exec(text);
  if (!match) return 'invalid';
  const port = Number(match[3]);
  if (port > 65535) return 'invalid';
  const host = match[1] ?? match[2];
  return host ? { host, port } : { port };
}

function listen(server: http.Server, address: BindAddress): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      const bound = server.address() as AddressInfo;
      const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      resolve({
        url: `http://${host}:${bound.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

export function serveMetrics(address: BindAddress, registry: Registry): Promise<Endpoint> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
    );
  });
  return listen(server, address);
}

export interface ProbeChecks {
  /** The process is alive and not wedged. */
  healthz(): boolean;
  /** Worth sending traffic / counting as available. */
  readyz(): boolean;
}

export function serveProbes(address: BindAddress, checks: ProbeChecks): Promise<Endpoint> {
  const server = http.createServer((req, res) => {
    const path = req.url?.split('?')[0];
    const check = path === '/healthz' ? checks.healthz : path === '/readyz' ? checks.readyz : undefined;
    if (!check) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    const ok = check();
    res
      .writeHead(ok ? 200 : 500, { 'content-type': 'text/plain' })
      .end(ok ? 'ok' : `${path?.slice(1)} check failed`);
  });
  return listen(server, address);
}
