/**
 * The load generator's HTTPS client: an undici Pool of keep-alive connections, one per
 * concurrent client, so every client reuses one TLS connection: we measure request handling, not
 * handshakes. The same client drives the apiserver and the bare-HTTPS ceiling, so its own cost
 * is on both sides of a ratio — and, sharing 2 cores with the server, it must cost as little as
 * possible: node:https needed ~80 µs of client CPU per GET here, enough to make the bare server
 * wait for the client (it then idled at ~50% CPU) and to hide what the apiserver costs.
 */
import { Pool } from 'undici';
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

/** Keep-alive HTTPS connections to one target. */
export interface HttpClient {
  readonly target: Target;
  readonly pool: Pool;
}

export function httpClient(target: Target, connections: number): HttpClient {
  return { target, pool: new Pool(target.url, { connections, pipelining: 1, connect: { ca: target.ca } }) };
}

export async function closeClient(client: HttpClient): Promise<void> {
  await client.pool.close();
}

export async function send(client: HttpClient, spec: RequestSpec): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (client.target.token) headers.authorization = `Bearer ${client.target.token}`;
  if (spec.body !== undefined) headers['content-type'] = spec.contentType ?? 'application/json';
  const answer = await client.pool.request({
    method: spec.method as 'GET',
    path: spec.path,
    headers,
    body: spec.body,
  });
  return { status: answer.statusCode, body: Buffer.from(await answer.body.arrayBuffer()) };
}

/** Milliseconds on a monotonic clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
