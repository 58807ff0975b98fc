/**
 * Calls one webhook over HTTPS as k8s.io/apiserver's webhook ClientManager does: POST the
 * AdmissionReview as JSON to `url`, or to a `service` at `https://<name>.<namespace>.svc:<port><path>`
 * (the address resolved by a ServiceResolver, the TLS server name always `<name>.<namespace>.svc`),
 * with the serving certificate checked against `caBundle` (else the system's roots), HTTP/1.1,
 * `?timeout=<n>s` and a deadline of timeoutSeconds. Failures are worded as Go's client words them
 * (`Post "https://…": context deadline exceeded`), since that is what a user of kube would see.
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { WebhookClientConfig } from './types';

/** Where a service's webhook is reached. */
export interface ServiceEndpoint {
  host: string;
  port: number;
}

/** Resolves a webhook service (kube: the service's DNS name, or its endpoints). */
export type ServiceResolver = (service: {
  namespace: string;
  name: string;
  port: number;
}) => ServiceEndpoint | Promise<ServiceEndpoint>;

/** kube's default resolver for a server outside the cluster network's routing: the DNS name. */
export const dnsServiceResolver: ServiceResolver = (s) => ({
  host: `${s.name}.${s.namespace}.svc`,
  port: s.port,
});

/** Why a call failed, in Go's words; the caller wraps it as `failed calling webhook "x": …`. */
export class WebhookCallError extends Error {}

export interface WebhookClient {
  /** POSTs the body; resolves the decoded JSON of a 2xx answer. */
  post(body: string, timeoutSeconds: number): Promise<unknown>;
}

/** Keep-alive agents shared by webhooks with the same CA bundle and server name. */
export interface AgentPool {
  agentFor(key: { ca: string | undefined; servername: string | undefined }): https.Agent;
  close(): void;
}

export function createAgentPool(): AgentPool {
  const agents = new Map<string, https.Agent>();
  return {
    agentFor({ ca, servername }) {
      const key = `${servername ?? ''}\n${ca ? createHash('sha256').update(ca).digest('hex') : 'system'}`;
      let agent = agents.get(key);
      if (!agent) {
        // An idle connection is closed after a minute (Go's transport: 90 s), so agents of removed
        // webhooks hold nothing open.
        agent = new https.Agent({
          keepAlive: true,
          ca,
          servername,
          timeout: 60_000,
          ALPNProtocols: ['http/1.1'],
        });
        agents.set(key, agent);
      }
      return agent;
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

/** Go's wording of the usual connection and TLS failures. */
function goReason(err: NodeJS.ErrnoException, target: { host: string; port: number }): string {
  const address = `${target.host}:${target.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${address}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${target.host}: no such host`;
    case 'ECONNRESET':
      return `read tcp ${address}: read: connection reset by peer`;
    case 'EHOSTUNREACH':
      return `dial tcp ${address}: connect: no route to host`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: ${err.message}`;
    default:
      return err.message;
  }
}

/** The rest client's words for a non-2xx answer without a Status (apierrors.NewGenericServerResponse). */
function statusReason(code: number, body: string): string {
  try {
    const status = JSON.parse(body) as { kind?: unknown; message?: unknown };
    if (status.kind === 'Status' && typeof status.message === 'string') return status.message;
  } catch {
    // not JSON: fall through to the generic words
  }
  switch (code) {
    case 404:
      return 'the server could not find the requested resource';
    case 503:
      return 'the server is currently unable to handle the request';
    default:
      return code >= 500
        ? `an error on the server (${JSON.stringify(body.slice(0, 200))}) has prevented the request from succeeding`
        : `the server responded with the status code ${code} but did not return more information`;
  }
}

export function createWebhookClient(opts: {
  config: WebhookClientConfig;
  resolver: ServiceResolver;
  agents: AgentPool;
  /** Largest answer read (default 16 MiB). */
  maxResponseBytes?: number;
}): WebhookClient {
  const { config } = opts;
  const maxResponseBytes = opts.maxResponseBytes ?? 16 << 20;
  const ca = config.caBundle ? Buffer.from(config.caBundle, 'base64').toString('utf8') : undefined;
  let base: URL;
  // The host as Go's client shows and sends it: a service's always with its port, a url's as written.
  let hostPort: string;
  let servername: string | undefined;
  const service = config.service;
  if (service) {
    servername = `${service.name}.${service.namespace}.svc`;
    const path = service.path ? (service.path.startsWith('/') ? service.path : `/${service.path}`) : '/';
    base = new URL(`https://${servername}:${service.port}${path}`);
    hostPort = `${servername}:${service.port}`;
  } else if (config.url) {
    try {
      base = new URL(config.url);
      hostPort = /^https?:\/\/([^/?#]*)/i.exec(config.url)?.[1] ?? base.host;
    } catch {
      throw new WebhookCallError(`could not get REST client: Unparsable URL: ${config.url}`);
    }
  } else {
    throw new WebhookCallError(
      'could not get REST client: webhook configuration must have either service or URL',
    );
  }
  const agent = opts.agents.agentFor({ ca, servername });

  return {
    async post(body, timeoutSeconds) {
      const url = new URL(base);
      url.searchParams.set('timeout', `${timeoutSeconds}s`);
      const shown = `Post "${url.protocol}//${hostPort}${url.pathname}${url.search}"`;
      let target: ServiceEndpoint;
      try {
        target = service
          ? await opts.resolver({ namespace: service.namespace, name: service.name, port: service.port })
          : { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 443) };
      } catch (err) {
        // kube resolves a service as it dials: a failure is a failure to call.
        throw new WebhookCallError(`failed to call webhook: ${shown}: ${(err as Error).message}`);
      }
      const payload = Buffer.from(body);
      return new Promise((resolve, reject) => {
        const fail = (reason: string) =>
          reject(new WebhookCallError(`failed to call webhook: ${shown}: ${reason}`));
        const req = https.request({
          host: target.host,
          port: target.port,
          method: 'POST',
          path: `${url.pathname}${url.search}`,
          agent,
          servername,
          headers: {
            host: hostPort,
            'content-type': 'application/json',
            accept: 'application/json, */*',
            'content-length': String(payload.length),
            'user-agent': 'pwk-apiserver-admission',
          },
        });
        const deadline = setTimeout(() => {
          req.destroy();
          fail('context deadline exceeded');
        }, timeoutSeconds * 1000);
        const settle = () => clearTimeout(deadline);
        req.on('error', (err: NodeJS.ErrnoException) => {
          settle();
          fail(goReason(err, target));
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxResponseBytes) {
              settle();
              req.destroy();
              fail(`the answer is larger than ${maxResponseBytes} bytes`);
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (err: NodeJS.ErrnoException) => {
            settle();
            fail(goReason(err, target));
          });
          res.on('end', () => {
            settle();
            const text = Buffer.concat(chunks).toString('utf8');
            const code = res.statusCode ?? 0;
            if (code < 200 || code > 299) {
              reject(new WebhookCallError(`failed to call webhook: ${statusReason(code, text)}`));
              return;
            }
            try {
              resolve(JSON.parse(text));
            } catch (err) {
              reject(new WebhookCallError(`failed to call webhook: ${(err as Error).message}`));
            }
          });
        });
        req.end(payload);
      });
    },
  };
}
