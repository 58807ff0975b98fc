/**
 * Opens the etcd3 client the etcd backend talks through: endpoints, TLS from files, a deadline on
 * every unary call, and fault handling tuned for an apiserver. The library's defaults (a circuit
 * breaker that stays open for 5 s, watch reconnects backing off to 30 s) would keep serving 503s
 * long after etcd is back; here a failed call fails at once (the caller gets 503) and the next
 * one tries again, trying every endpoint before giving up.
 */
import { readFile } from 'node:fs/promises';
import { Etcd3, isRecoverableError } from 'etcd3';
import type { IOptions } from 'etcd3';

export interface EtcdTlsFiles {
  /** --etcd-cafile: the CA that signed etcd's serving certificate. */
  caFile?: string;
  /** --etcd-certfile / --etcd-keyfile: the client certificate etcd authenticates us by. */
  certFile?: string;
  keyFile?: string;
}

export interface EtcdClientOptions {
  /** `http(s)://host:port` each; `host:port` means http. */
  endpoints: string[];
  tls?: EtcdTlsFiles;
  /** Deadline of each unary call (default 5 s). */
  requestTimeoutMs?: number;
}

type FaultHandling = NonNullable<IOptions['faultHandling']>;
type Policy = NonNullable<FaultHandling['global']>;
type Backoff = NonNullable<FaultHandling['watchBackoff']>;

/** Retries only failures that another endpoint might not have (connection-level errors). */
function retryPolicy(attempts: number): Policy {
  const execute = async <T>(fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn({ signal: new AbortController().signal });
      } catch (err) {
        if (attempt >= attempts || !(err instanceof Error) || !isRecoverableError(err)) throw err;
      }
    }
  };
  // etcd3 only ever calls execute(); the policy's event hooks are never read.
  return { execute } as unknown as Policy;
}

/** Watch stream reconnects: 100 ms doubling to at most 1 s. */
function watchBackoff(durationMs: number): Backoff {
  return { duration: durationMs, next: () => watchBackoff(Math.min(durationMs * 2, 1000)) } as Backoff;
}

export function normalizeEndpoint(endpoint: string): string {
  return /^[a-z]+:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
}

export async function openEtcdClient(options: EtcdClientOptions): Promise<Etcd3> {
  const hosts = options.endpoints.map(normalizeEndpoint);
  if (hosts.length === 0) throw new Error('no etcd endpoints given (--etcd-servers)');
  const timeout = options.requestTimeoutMs ?? 5000;
  const tls = options.tls ?? {};
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) {
    throw new Error('--etcd-certfile and --etcd-keyfile must be given together');
  }
  let credentials: IOptions['credentials'];
  if (tls.caFile || tls.certFile) {
    if (!tls.caFile) throw new Error('--etcd-certfile needs --etcd-cafile');
    credentials = {
      rootCertificate: await readFile(tls.caFile),
      certChain: tls.certFile ? await readFile(tls.certFile) : undefined,
      privateKey: tls.keyFile ? await readFile(tls.keyFile) : undefined,
    };
  }
  return new Etcd3({
    hosts,
    credentials,
    dialTimeout: timeout,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeout }),
    faultHandling: {
      host: () => retryPolicy(1),
      global: retryPolicy(hosts.length),
      watchBackoff: watchBackoff(100),
    },
    grpcOptions: {
      // Lists of many objects exceed gRPC's default 4 MiB (Kubernetes lifts the limit too).
      'grpc.max_receive_message_length': 2 ** 31 - 1,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      // Notice a silently dead etcd (no RST) on long-lived watch streams.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
    },
  });
}
