/**
 * The load generator's HTTPS client: node:https over a keep-alive Agent.
 *
 * Why node:https and not undici or autocannon: the task allows no new dependency, and node:https
 * is the stack Node's Kubernetes clients use, so the figures are what such a client sees. One
 * Agent with `maxSockets` = the number of clients and keepAlive means every client reuses one
 * TLS connection: we measure request handling, not handshakes. The same client drives the
 * apiserver and the bare-HTTPS ceiling, so its own cost is the same on both sides of a ratio.
 */
import https from 'node:https';
import type { Target } from './protocol';

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

export interface RequestSpec {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

export function keepAliveAgent(target: Target, sockets: number): https.Agent {
  return new https.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, ca: target.ca });
}

export function send(agent: https.Agent, target: Target, spec: RequestSpec): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (target.token) headers.authorization = `Bearer ${target.token}`;
    if (spec.body !== undefined) {
      headers['content-type'] = spec.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(spec.body));
    }
    const req = https.request(`${target.url}${spec.path}`, { method: spec.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** Milliseconds on a monotonic clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
