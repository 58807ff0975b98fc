/**
 * The client-node adapters against a small HTTP stand-in for the Lease and Event APIs that
 * checks what the real API server checks and client-node gets wrong by default: MicroTime
 * fields must carry exactly six fractional digits, and a Lease update needs the current
 * resourceVersion. Every write names the controller: its User-Agent and fieldManager.
 * Also: ApiException → ApiError.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ApiException } from '@kubernetes/client-node';
import { ApiError } from '../../src/api-error';
import { buildEvent } from '../../src/events';
import { toApiError } from '../../src/kube/errors';
import { createEventSink } from '../../src/kube/events';
import { userAgent } from '../../src/kube/identity';
import { loadKubeConfig } from '../../src/kube/kubeconfig';
import { createLeaseStore } from '../../src/kube/leases';
import { newFoo } from '../support/fake-foo-client';

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

type Json = Record<string, unknown>;

let server: http.Server;
let dir: string;
let kubeconfig: string;
let lease: Json | undefined;
let version = 0;
const events: Json[] = [];
const requests: Array<{ method: string; url: string; userAgent: string }> = [];

function reply(res: http.ServerResponse, code: number, body: Json): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function status(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

/** Rejects MicroTime fields the way kube-apiserver does. */
function badMicroTime(obj: Json, fields: string[]): string | undefined {
  for (const field of fields) {
    const value = field.split('.').reduce<unknown>((o, k) => (o as Json | undefined)?.[k], obj);
    if (value !== undefined && !(typeof value === 'string' && MICRO_TIME.test(value))) {
      return `parsing time "${String(value)}" as "2006-01-02T15:04:05.000000Z07:00"`;
    }
  }
  return undefined;
}

function handle(req: http.IncomingMessage, body: Json, res: http.ServerResponse): void {
  requests.push({ method: req.method ?? '', url: req.url ?? '', userAgent: req.headers['user-agent'] ?? '' });
  const url = new URL(req.url ?? '', 'http://x').pathname;
  if (url.startsWith('/apis/events.k8s.io/v1/namespaces/team-a/events') && req.method === 'POST') {
    const bad = badMicroTime(body, ['eventTime']);
    if (bad) return reply(res, 400, status(400, 'BadRequest', bad));
    events.push(body);
    return reply(res, 201, body);
  }
  const leases = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases';
  const bad = badMicroTime(body, ['spec.acquireTime', 'spec.renewTime']);
  if (bad) return reply(res, 400, status(400, 'BadRequest', bad));
  if (req.method === 'GET' && url === `${leases}/pwk-controller`) {
    return lease
      ? reply(res, 200, lease)
      : reply(res, 404, status(404, 'NotFound', 'leases "pwk-controller" not found'));
  }
  if (req.method === 'POST' && url === leases) {
    if (lease) return reply(res, 409, status(409, 'AlreadyExists', 'leases "pwk-controller" already exists'));
    lease = { ...body, metadata: { ...(body.metadata as Json), resourceVersion: String(++version) } };
    return reply(res, 201, lease);
  }
  if (req.method === 'PUT' && url === `${leases}/pwk-controller`) {
    const rv = (body.metadata as Json | undefined)?.resourceVersion;
    if (!lease || rv !== (lease.metadata as Json).resourceVersion) {
      return reply(
        res,
        409,
        status(409, 'Conflict', 'Operation cannot be fulfilled on leases "pwk-controller"'),
      );
    }
    lease = { ...body, metadata: { ...(body.metadata as Json), resourceVersion: String(++version) } };
    return reply(res, 200, lease);
  }
  reply(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      handle(req, text ? (JSON.parse(text) as Json) : {}, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-adapters-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  const port = (server.address() as AddressInfo).port;
  await writeFile(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
  );
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('createLeaseStore', () => {
  const store = () =>
    createLeaseStore(loadKubeConfig({ kubeconfig, inCluster: false }), {
      namespace: 'kube-system',
      name: 'pwk-controller',
      requestTimeoutMs: 2000,
    });
  const record = (holderIdentity: string, ms: number) => ({
    holderIdentity,
    leaseDurationSeconds: 15,
    acquireTime: ms,
    renewTime: ms,
    leaseTransitions: 0,
  });

  it('reads a missing Lease as undefined, creates it with six-digit MicroTimes, and reads it back', async () => {
    const leases = store();
    expect(leases.describe()).toBe('kube-system/pwk-controller');
    expect(await leases.get()).toBeUndefined();
    const t = Date.UTC(2026, 0, 1, 0, 0, 0, 123);
    const created = await leases.create(record('a', t));
    expect(created).toEqual({ resourceVersion: '1', record: record('a', t) });
    expect((lease!.spec as Json).renewTime).toBe('2026-01-01T00:00:00.123000Z');
    expect(await leases.get()).toEqual(created);
  });

  it('maps a second create to AlreadyExists and a stale update to Conflict', async () => {
    const leases = store();
    await expect(leases.create(record('b', 0))).rejects.toMatchObject({ code: 409, reason: 'AlreadyExists' });
    await expect(leases.update(record('b', 0), '0')).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
    const current = (await leases.get())!;
    const updated = await leases.update(
      { ...current.record, renewTime: current.record.renewTime + 2000 },
      current.resourceVersion,
    );
    expect(updated.resourceVersion).toBe(String(Number(current.resourceVersion) + 1));
    expect(updated.record.renewTime).toBe(current.record.renewTime + 2000);
  });
});

describe('createEventSink', () => {
  it('creates the events.k8s.io/v1 Event with a six-digit eventTime', async () => {
    const send = createEventSink(loadKubeConfig({ kubeconfig, inCluster: false }), {
      requestTimeoutMs: 2000,
    });
    const foo = newFoo('demo-foo', { location: 'Los Angeles' }, 'team-a');
    const nowMs = Date.UTC(2026, 0, 1, 0, 0, 0, 7);
    await send(
      buildEvent(
        { regarding: foo, type: 'Normal', reason: 'LocationSet', action: 'Update', note: 'set' },
        { source: { reportingInstance: 'i' }, nowMs },
      ),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventTime: '2026-01-01T00:00:00.007000Z',
      reason: 'LocationSet',
      regarding: { kind: 'Foo', name: 'demo-foo', namespace: 'team-a' },
      reportingController: 'pwk.educative.io/pwk-controller',
    });
  });

  it('rejects with an ApiError when the API serves no Events', async () => {
    const send = createEventSink(loadKubeConfig({ kubeconfig, inCluster: false }), {
      requestTimeoutMs: 2000,
    });
    const event = buildEvent(
      {
        regarding: newFoo('x', {}, 'elsewhere'),
        type: 'Normal',
        reason: 'LocationSet',
        action: 'Update',
        note: '',
      },
      { source: { reportingInstance: 'i' }, nowMs: 0 },
    );
    await expect(send(event)).rejects.toMatchObject({ code: 404, reason: 'NotFound' });
  });
});

describe('the identity of every write', () => {
  it('is User-Agent pwk-controller/<version> (<os>/<arch>) kubernetes-client-node, with Go names', () => {
    expect(userAgent('linux', 'x64', '1.2.3')).toBe(
      'pwk-controller/1.2.3 (linux/amd64) kubernetes-client-node',
    );
    expect(userAgent('darwin', 'arm64', '1.2.3')).toBe(
      'pwk-controller/1.2.3 (darwin/arm64) kubernetes-client-node',
    );
    expect(userAgent()).toBe(
      `pwk-controller/0.1.0 (${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}) kubernetes-client-node`,
    );
  });

  it('names the controller on every request, and fieldManager=pwk-controller on every Lease and Event write', async () => {
    requests.length = 0;
    const kc = loadKubeConfig({ kubeconfig, inCluster: false });
    const leases = createLeaseStore(kc, {
      namespace: 'kube-system',
      name: 'pwk-controller',
      requestTimeoutMs: 2000,
    });
    const current = await leases.get();
    if (current) await leases.update(current.record, current.resourceVersion);
    else
      await leases.create({
        holderIdentity: 'a',
        leaseDurationSeconds: 15,
        acquireTime: 0,
        renewTime: 0,
        leaseTransitions: 0,
      });
    const send = createEventSink(kc, { requestTimeoutMs: 2000 });
    const regarding = newFoo('demo-foo', {}, 'team-a');
    await send(
      buildEvent(
        { regarding, type: 'Normal', reason: 'R', action: 'A', note: '' },
        { source: { reportingInstance: 'i' }, nowMs: 0 },
      ),
    );

    const writes = requests.filter((r) => r.method !== 'GET');
    expect(writes).toHaveLength(2);
    for (const { url } of writes)
      expect(new URL(url, 'http://x').searchParams.get('fieldManager')).toBe('pwk-controller');
    expect(requests.map((r) => r.userAgent)).toEqual(requests.map(() => userAgent()));
  });
});

describe('toApiError', () => {
  it('takes reason and message from a Status body, as object or JSON text', () => {
    const fromObject = toApiError(new ApiException(409, 'x', status(409, 'Conflict', 'modified'), {}));
    expect(fromObject).toBeInstanceOf(ApiError);
    expect(fromObject).toMatchObject({ code: 409, reason: 'Conflict', message: 'Conflict (409): modified' });
    const fromText = toApiError(
      new ApiException(422, 'x', JSON.stringify(status(422, 'Invalid', 'bad')), {}),
    );
    expect(fromText).toMatchObject({ code: 422, reason: 'Invalid', message: 'Invalid (422): bad' });
  });

  it('falls back to the HTTP code when the body is not a Status', () => {
    expect(toApiError(new ApiException(503, 'x', 'upstream connect error', {}))).toMatchObject({
      code: 503,
      reason: 'ServiceUnavailable',
      message: 'ServiceUnavailable (503): upstream connect error',
    });
    expect(toApiError(new ApiException(418, 'x', undefined, {}))).toMatchObject({
      reason: 'Unknown',
      message: 'Unknown (418): HTTP 418',
    });
  });

  it('passes other errors through unchanged', () => {
    const err = new Error('socket hang up');
    expect(toApiError(err)).toBe(err);
  });
});
