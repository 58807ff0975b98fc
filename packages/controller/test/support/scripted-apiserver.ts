/**
 * A tiny plain-HTTP stand-in for the foos list and watch endpoints whose answers the test
 * scripts one request at a time (a 500 here, a 410 there, a dropped connection), so the real
 * client-node ListWatch can be driven into each of its failure modes on purpose.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Foo } from '../../src/foo';
import { newFoo } from './fake-foo-client';

export const FOOS_PATH = '/apis/bar.pwk.educative.io/v1/foos';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

/** How to answer one request; unscripted lists return `items`, unscripted watches stay open. */
export type Script =
  | { status: number }
  | { events: WatchEvent[]; then: 'hold' | 'end' }
  | { items: Foo[]; resourceVersion: string };

export interface RecordedRequest {
  path: string;
  query: Record<string, string>;
  watch: boolean;
  userAgent: string;
}

export function foo(name: string, resourceVersion: string, location?: string): Foo {
  const f = newFoo(name, { replicas: 1, ...(location ? { location } : {}) });
  return { ...f, metadata: { ...f.metadata, resourceVersion, uid: `uid-${name}` } };
}

export class ScriptedApiserver {
  readonly requests: RecordedRequest[] = [];
  items: Foo[] = [];
  listResourceVersion = '1';
  private readonly listScripts: Script[] = [];
  private readonly watchScripts: Script[] = [];
  private readonly openWatches = new Set<http.ServerResponse>();
  private server: http.Server | undefined;
  port = 0;
  dir = '';

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    if (!this.dir) this.dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-scripted-'));
  }

  /** A kubeconfig pointing at this server. */
  async kubeconfig(): Promise<string> {
    const file = path.join(this.dir, 'kubeconfig');
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: scripted`,
        `  cluster: {server: "http://127.0.0.1:${this.port}", insecure-skip-tls-verify: true}`,
        'users:',
        '- name: u',
        '  user: {token: "t"}',
        'contexts:',
        '- name: c',
        '  context: {cluster: scripted, user: u}',
        'current-context: c',
        '',
      ].join('\n'),
    );
    return file;
  }

  scriptList(script: Script): void {
    this.listScripts.push(script);
  }

  scriptWatch(script: Script): void {
    this.watchScripts.push(script);
  }

  /** Sends an event on every open watch. */
  send(event: WatchEvent): void {
    for (const res of this.openWatches) res.write(`${JSON.stringify(event)}\n`);
  }

  watches(): RecordedRequest[] {
    return this.requests.filter((r) => r.watch);
  }

  lists(): RecordedRequest[] {
    return this.requests.filter((r) => !r.watch);
  }

  /** Stops listening and cuts every connection (an apiserver going away). */
  async stop(): Promise<void> {
    for (const res of this.openWatches) res.end();
    this.openWatches.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const watch = query.watch === 'true' || query.watch === '1';
    this.requests.push({ path: url.pathname, query, watch, userAgent: req.headers['user-agent'] ?? '' });
    if (url.pathname !== FOOS_PATH) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","code":404}');
      return;
    }
    const script = (watch ? this.watchScripts : this.listScripts).shift();
    if (script && 'status' in script) {
      const status = {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: script.status,
        reason: 'Scripted',
      };
      res.writeHead(script.status, { 'content-type': 'application/json' }).end(JSON.stringify(status));
      return;
    }
    if (!watch) {
      const items = script && 'items' in script ? script.items : this.items;
      const rv = script && 'items' in script ? script.resourceVersion : this.listResourceVersion;
      const body = {
        apiVersion: 'bar.pwk.educative.io/v1',
        kind: 'FooList',
        metadata: { resourceVersion: rv },
        items,
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    const events = script && 'events' in script ? script.events : [];
    for (const event of events) res.write(`${JSON.stringify(event)}\n`);
    if (script && 'then' in script && script.then === 'end') {
      res.end();
      return;
    }
    this.openWatches.add(res);
    res.on('close', () => this.openWatches.delete(res));
  }
}

/** Waits until predicate() holds (real time), or fails naming what it waited for. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
