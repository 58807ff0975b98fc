/**
 * What the benchmark (parent) asks the load-generator process to do, and the Foos it works on.
 * Commands and answers travel over Node's IPC channel as JSON.
 */
import type { PhaseSample } from './stats';

/** An HTTPS endpoint and the credentials to use on it. */
export interface Target {
  url: string;
  /** Bearer token (the apiserver's token file); empty for the bare server. */
  token: string;
  /** PEM of the serving certificate, trusted as the CA. */
  ca: string;
}

/** Request phases run by `concurrency` clients over keep-alive sockets. */
export type RequestPhase = 'create' | 'get' | 'merge-patch' | 'update' | 'delete' | 'constant';

export type Command =
  | {
      kind: 'requests';
      phase: RequestPhase;
      target: Target;
      /** Requests to send; object i % objects is addressed by request i. */
      count: number;
      objects: number;
      concurrency: number;
      /** Names are `${prefix}-${i}` (warm-up objects use another prefix). */
      prefix: string;
    }
  | {
      kind: 'lists';
      target: Target;
      /** Path and query, e.g. `/apis/…/foos?labelSelector=shard%3D3`. */
      path: string;
      reps: number;
      /** Items a complete answer holds; any other count is an error. */
      expectItems: number;
      /** Page size; 0: one request per list. With pages, each page is one sample. */
      pageSize: number;
    }
  | { kind: 'watch'; target: Target; watchers: number; events: number; objects: number; prefix: string }
  | { kind: 'exit' };

/** Every command but exit: the ones that answer with a sample. */
export type PhaseCommand = Exclude<Command, { kind: 'exit' }>;

export interface Reply {
  id: number;
  sample?: PhaseSample;
  error?: string;
}

export const GROUP = 'bar.pwk.educative.io';
/** The storage version: the benchmark measures the paths that pass stored bytes on unconverted. */
export const VERSION = 'v1';
export const RESOURCE_PATH = `/apis/${GROUP}/${VERSION}`;
/** Objects are spread over this many namespaces (as a real cluster's are). */
export const NAMESPACES = 4;
/** Every object has label shard=<i % SHARDS>: a label-selected list holds 1/SHARDS of them. */
export const SHARDS = 10;

export function namespaceOf(i: number): string {
  return `bench-${i % NAMESPACES}`;
}

export function objectPath(prefix: string, i: number): string {
  return `${RESOURCE_PATH}/namespaces/${namespaceOf(i)}/foos/${prefix}-${i}`;
}

/** The Foo a create sends. */
export function newFoo(prefix: string, i: number): Record<string, unknown> {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Foo',
    metadata: {
      name: `${prefix}-${i}`,
      namespace: namespaceOf(i),
      labels: { app: 'bench', shard: String(i % SHARDS) },
    },
    spec: { replicas: 1, location: 'Los Angeles' },
  };
}
