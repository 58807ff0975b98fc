/**
 * The kube-apiserver calls pwk makes — delegated auth (TokenReview, SubjectAccessReview, one
 * ConfigMap) and admission (namespaces, ResourceQuotas: reads, watches, status updates) — as JSON
 * over node:https with the connection's CA and credentials. Connections are kept alive because a
 * review may be asked for on every request; answers are size-limited and time-limited (a watch's
 * events each, and its silence) so a misbehaving kube-apiserver cannot hold or bloat us.
 */
import { readFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import https from 'node:https';
import type { ClusterConnection } from './cluster-connection';

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Absolute API path, e.g. `/apis/authorization.k8s.io/v1/subjectaccessreviews`. */
  path: string;
  body?: unknown;
}

export interface KubeWatchEvent {
  type: string;
  object: Record<string, unknown>;
}

/** A watch response: its events as they arrive; ends when the server ends the stream. */
export interface KubeWatch extends AsyncIterable<KubeWatchEvent> {
  close(): void;
}

export interface KubeClient {
  /** Resolves with the decoded JSON of a 2xx answer; rejects with KubeApiError otherwise. */
  request(req: KubeRequest): Promise<unknown>;
  /** Where requests go, for logs. */
  readonly server: string;
  close(): void;
}

/** A client that can also watch (what informers need). */
export interface KubeWatchingClient extends KubeClient {
  /**
   * Opens `GET path` (a `?watch=true` URL) once its headers are in; a non-2xx answer rejects
   * with KubeApiError. The stream errors when no byte arrives for `idleTimeoutMs`.
   */
  watch(path: string, options?: { idleTimeoutMs?: number }): Promise<KubeWatch>;
}

/** A failed call: `code` is the HTTP status, undefined when there was no answer at all. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
    /** The Status the server answered with, when it sent one. */
    readonly status?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface KubeClientOptions {
  /** Per request, default 10 s (k8s' webhook client timeout). */
  timeoutMs?: number;
  /** Largest answer read, default 4 MiB. */
  maxResponseBytes?: number;
  now?: () => number;
}

/** client-go re-reads a token file about once a minute; so do we. */
const TOKEN_FILE_REFRESH_MS = 60_000;

export function createKubeClient(
  connection: ClusterConnection,
  options: KubeClientOptions = {},
): KubeWatchingClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 4 << 20;
  const now = options.now ?? Date.now;
  const agent = new https.Agent({
    keepAlive: true,
    ca: connection.ca,
    cert: connection.clientCert,
    key: connection.clientKey,
    servername: connection.tlsServerName,
    rejectUnauthorized: !connection.insecureSkipTLSVerify,
  });
  let fileToken: { value: string; readAt: number } | undefined;

  const bearerToken = async (): Promise<string | undefined> => {
    if (connection.token) return connection.token;
    if (!connection.tokenFile) return undefined;
    if (!fileToken || now() - fileToken.readAt > TOKEN_FILE_REFRESH_MS) {
      fileToken = { value: (await readFile(connection.tokenFile, 'utf8')).trim(), readAt: now() };
    }
    return fileToken.value;
  };

  const request = async (req: KubeRequest): Promise<unknown> => {
    const token = await bearerToken();
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'pwk-apiserver' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(body.length);
    }
    const answer = await send({ url: `${connection.server}${req.path}`, method: req.method, headers, body });
    return decodeAnswer(answer, `${req.method} ${req.path}`);
  };

  const send = (out: { url: string; method: string; headers: Record<string, string>; body?: Buffer }) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = https.request(out.url, {
        method: out.method,
        headers: out.headers,
        agent,
        timeout: timeoutMs,
      });
      req.on('timeout', () => req.destroy(new KubeApiError(undefined, `no answer within ${timeoutMs} ms`)));
      req.on('error', (err) =>
        reject(err instanceof KubeApiError ? err : new KubeApiError(undefined, String(err.message))),
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxResponseBytes) {
            req.destroy(new KubeApiError(res.statusCode, `answer larger than ${maxResponseBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => reject(new KubeApiError(res.statusCode, String(err.message))));
      });
      req.end(out.body);
    });

  const watch = async (path: string, opts: { idleTimeoutMs?: number } = {}): Promise<KubeWatch> => {
    const token = await bearerToken();
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'pwk-apiserver' };
    if (token) headers.authorization = `Bearer ${token}`;
    return openWatch({
      url: `${connection.server}${path}`,
      headers,
      agent,
      idleTimeoutMs: opts.idleTimeoutMs ?? 5 * 60_000,
      maxEventBytes: maxResponseBytes,
    });
  };

  return { request, watch, server: connection.server, close: () => agent.destroy() };
}

/** Streams newline-delimited watch events; each line at most maxEventBytes. */
function openWatch(opts: {
  url: string;
  headers: Record<string, string>;
  agent: https.Agent;
  idleTimeoutMs: number;
  maxEventBytes: number;
}): Promise<KubeWatch> {
  return new Promise((resolve, reject) => {
    const req = https.request(opts.url, { method: 'GET', headers: opts.headers, agent: opts.agent });
    req.setTimeout(opts.idleTimeoutMs, () =>
      req.destroy(new KubeApiError(undefined, `watch silent for ${opts.idleTimeoutMs} ms`)),
    );
    req.on('error', (err) =>
      reject(err instanceof KubeApiError ? err : new KubeApiError(undefined, String(err.message))),
    );
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            decodeAnswer({ status, text: Buffer.concat(chunks).toString('utf8') }, `watch ${opts.url}`);
          } catch (err) {
            reject(err as Error);
          }
        });
        return;
      }
      resolve(watchEvents(req, res, opts.maxEventBytes));
    });
    req.end();
  });
}

function watchEvents(req: ClientRequest, res: NodeJS.ReadableStream, maxEventBytes: number): KubeWatch {
  return {
    close: () => req.destroy(),
    async *[Symbol.asyncIterator]() {
      let pending = '';
      try {
        for await (const chunk of res) {
          pending += (chunk as Buffer).toString('utf8');
          let nl: number;
          while ((nl = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, nl).trim();
            pending = pending.slice(nl + 1);
            if (line) yield JSON.parse(line) as KubeWatchEvent;
          }
          if (pending.length > maxEventBytes) {
            throw new KubeApiError(undefined, `a watch event larger than ${maxEventBytes} bytes`);
          }
        }
      } finally {
        req.destroy();
      }
    },
  };
}

function decodeAnswer(answer: { status: number; text: string }, what: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    json = undefined;
  }
  if (answer.status >= 200 && answer.status < 300) {
    if (json === undefined) throw new KubeApiError(answer.status, `${what}: the answer is not JSON`);
    return json;
  }
  // A Status body says why (e.g. "... cannot create resource subjectaccessreviews ...").
  const message =
    typeof json === 'object' && json !== null && 'message' in json
      ? String(json.message)
      : answer.text.slice(0, 200);
  const status = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined;
  throw new KubeApiError(answer.status, `${what}: ${answer.status}: ${message}`, status);
}
