/**
 * A real admission webhook for tests: an HTTPS server with its own CA and serving certificate,
 * answering AdmissionReviews on any path with what the test's handler decides. It records every
 * review it receives, can hold a request until the test lets it go (a slow webhook), and tells
 * the test when a review has arrived so nothing is awaited by the clock.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCA, issueCertificate } from './certificates';
import type { PemCertificate } from './certificates';

export interface ReceivedReview {
  path: string;
  /** The query string as sent (`timeout=10s`). */
  query: string;
  headers: IncomingMessage['headers'];
  review: {
    apiVersion: string;
    kind: string;
    request: Record<string, unknown> & { uid: string; object?: Record<string, unknown> | null };
  };
}

/** What a handler answers: a response (uid, apiVersion and kind are filled in), or a raw body. */
export type WebhookAnswer =
  | { response: Record<string, unknown> }
  | { raw: unknown; status?: number }
  /** Never answer (until the server closes). */
  | 'hang';

export type WebhookHandler = (received: ReceivedReview) => WebhookAnswer | Promise<WebhookAnswer>;

export interface WebhookServer {
  url: string;
  port: number;
  ca: PemCertificate;
  /** The CA as a webhook configuration's clientConfig.caBundle wants it. */
  caBundle: string;
  received: ReceivedReview[];
  /** Answers for a path; the default allows. */
  on(path: string, handler: WebhookHandler): void;
  /** Resolves with the next review for path (or the first one already received). */
  nextReview(path: string, after?: number): Promise<ReceivedReview>;
  close(): Promise<void>;
}

export const allow = (extra: Record<string, unknown> = {}): WebhookAnswer => ({
  response: { allowed: true, ...extra },
});

export const deny = (
  status: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): WebhookAnswer => ({
  response: { allowed: false, status, ...extra },
});

export const jsonPatch = (operations: unknown[], extra: Record<string, unknown> = {}): WebhookAnswer => ({
  response: {
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(operations)).toString('base64'),
    ...extra,
  },
});

export async function startWebhookServer(
  options: { serverNames?: string[]; ca?: PemCertificate } = {},
): Promise<WebhookServer> {
  const ca = options.ca ?? createCA('webhook-ca');
  const serving = issueCertificate(ca, {
    cn: 'webhook',
    serverNames: options.serverNames ?? ['127.0.0.1', 'localhost'],
  });
  const handlers = new Map<string, WebhookHandler>();
  const received: ReceivedReview[] = [];
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'https://webhook');
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedReview['review'];
    const entry: ReceivedReview = {
      path: url.pathname,
      query: url.search.slice(1),
      headers: req.headers,
      review,
    };
    received.push(entry);
    for (const wake of waiters) wake();
    const answer = await (handlers.get(url.pathname) ?? (() => allow()))(entry);
    if (answer === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if ('raw' in answer) {
      res
        .writeHead(answer.status ?? 200, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer.raw));
      return;
    }
    const body = {
      apiVersion: review.apiVersion,
      kind: 'AdmissionReview',
      response: { uid: review.request.uid, ...answer.response },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = https.createServer({ key: serving.key, cert: serving.cert }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `https://127.0.0.1:${port}`,
    port,
    ca,
    caBundle: Buffer.from(ca.cert).toString('base64'),
    received,
    on: (path, handler) => handlers.set(path, handler),
    nextReview(path, after = 0) {
      return new Promise((resolve) => {
        const check = () => {
          const found = received.slice(after).find((r) => r.path === path);
          if (!found) return false;
          waiters.delete(check as () => void);
          resolve(found);
          return true;
        };
        if (!check()) waiters.add(check as () => void);
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
