/**
 * Naming a storage backend on the command line, and opening it:
 *   file:./data  file:/var/lib/pwk            — the file store in that data dir
 *   etcd://127.0.0.1:2379[,host:port…][/prefix] — etcd over http (etcds:// for https)
 * The etcd prefix defaults to --etcd-prefix (itself /registry), as the apiserver's does.
 */
import path from 'node:path';
import { createEtcdStorage } from '../etcd/etcd-storage';
import type { EtcdTlsFiles } from '../etcd/etcd-client';
import { createFileStorage } from '../file/file-storage';
import type { Storage } from '../interface';

export type BackendSpec =
  { kind: 'file'; dataDir: string } | { kind: 'etcd'; endpoints: string[]; prefix: string };

export class BackendSpecError extends Error {}

export function parseBackendSpec(text: string, defaultEtcdPrefix = '/registry'): BackendSpec {
  const file = /^file:(?:\/\/)?(.+)$/.exec(text);
  if (file) return { kind: 'file', dataDir: path.resolve(file[1]!) };
  const etcd = /^(etcds?):\/\/([^/]+)(\/.*)?$/.exec(text);
  if (etcd) {
    const scheme = etcd[1] === 'etcds' ? 'https' : 'http';
    const endpoints = etcd[2]!
      .split(',')
      .filter((host) => host !== '')
      .map((host) => `${scheme}://${host}`);
    const prefix = etcd[3] && etcd[3] !== '/' ? etcd[3] : defaultEtcdPrefix;
    return { kind: 'etcd', endpoints, prefix };
  }
  throw new BackendSpecError(
    `cannot read backend "${text}": use file:<data-dir> or etcd://<host:port>[,<host:port>…][/<prefix>]`,
  );
}

export function describeBackend(spec: BackendSpec): string {
  return spec.kind === 'file'
    ? `file:${spec.dataDir}`
    : `etcd ${spec.endpoints.join(',')} (prefix ${spec.prefix})`;
}

export interface OpenBackendOptions {
  tls?: EtcdTlsFiles;
  /** How long to wait for etcd to answer (default 10 s). */
  readyTimeoutMs?: number;
}

/** Opens the backend; an etcd that does not become available in time is an error here. */
export async function openBackend(spec: BackendSpec, options: OpenBackendOptions = {}): Promise<Storage> {
  if (spec.kind === 'file') return createFileStorage({ dataDir: spec.dataDir });
  const storage = await createEtcdStorage({
    endpoints: spec.endpoints,
    prefix: spec.prefix,
    tls: options.tls,
    healthCheckIntervalMs: 200,
  });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  while (!storage.ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!storage.ready()) {
    await storage.close();
    throw new BackendSpecError(`${describeBackend(spec)} is unavailable`);
  }
  return storage;
}
