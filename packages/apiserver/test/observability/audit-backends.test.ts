/**
 * The audit backends beyond a plain log file: the webhook (a real HTTPS receiver reading the
 * EventList batches a kubeconfig points at, failures retried, then counted), rotation of the log
 * by size with a bounded number of backups, and a full audit disk — events dropped and counted
 * in apiserver_audit_error_total, requests still answered.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { stringify } from 'yaml';
import { createLogBackend } from '../../src/observability/audit/log-backend';
import type { AuditEvent } from '../../src/observability/audit/event';
import { AuditMetrics } from '../../src/observability/metrics/audit-metrics';
import { createLogger } from '../../src/logging/logger';
import { backendReport } from '../../src/observability/audit/sink';
import { FOOS, foo, startSecureServer } from '../security/secure-server';
import { createCA, issueCertificate } from '../support/certificates';
import { parseExposition, sampleSum } from '../support/exposition';
import { mountSmallDisk, smallDiskSupport } from '../support/small-disk';
import { Writable } from 'node:stream';

const ADMIN = 'admin-token';
const POLICY = stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] });

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const quietLogger = () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', format: 'json', stream: sink }) };
};

const event = (i: number, padding = 0): AuditEvent => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: `id-${i}`,
  stage: 'ResponseComplete',
  requestURI: `/apis/x/${'p'.repeat(padding)}`,
  verb: 'get',
  user: { username: 'u' },
  requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z',
  stageTimestamp: '2026-01-01T00:00:00.000000Z',
});

describe('the audit webhook backend', () => {
  let dir: string;
  const batches: Array<{
    kind: string;
    apiVersion: string;
    items: Array<{ auditID: string; stage: string }>;
  }> = [];
  let failNext = 0;
  let receiver: https.Server;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-audit-webhook-'));
    const ca = createCA('audit-receiver-ca');
    const serving = issueCertificate(ca, { cn: 'audit-receiver' });
    receiver = https.createServer(
      { cert: serving.cert, key: serving.key },
      (req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (failNext > 0) {
            failNext--;
            res.writeHead(503).end();
            return;
          }
          batches.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof batches)[number]);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      },
    );
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    await writeFile(
      path.join(dir, 'audit-webhook.kubeconfig'),
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'audit',
            cluster: {
              server: `https://127.0.0.1:${port}/audit/events`,
              'certificate-authority-data': Buffer.from(ca.cert).toString('base64'),
            },
          },
        ],
        users: [{ name: 'pwk', user: { token: 'audit-sink-token' } }],
        contexts: [{ name: 'audit', context: { cluster: 'audit', user: 'pwk' } }],
        'current-context': 'audit',
      }),
    );
    await writeFile(path.join(dir, 'policy.yaml'), POLICY);
    await writeFile(path.join(dir, 'tokens.csv'), `${ADMIN},admin,1,"system:masters"\n`);
  });
  afterAll(async () => {
    await new Promise((r) => receiver.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('sends batches of EventList to the kubeconfig’s server, retrying a failed one', async () => {
    failNext = 1;
    const pwk = await startSecureServer({
      flags: [
        `--token-auth-file=${dir}/tokens.csv`,
        `--audit-policy-file=${dir}/policy.yaml`,
        `--audit-webhook-config-file=${dir}/audit-webhook.kubeconfig`,
      ],
      start: { auditWebhookBatch: { maxWaitMs: 50, initialBackoffMs: 50 } },
    });
    try {
      const res = await pwk.request('POST', FOOS, { token: ADMIN, body: foo('sent') });
      expect(res.status).toBe(201);
      const auditID = String(res.headers['audit-id']);
      const stagesOf = () =>
        batches
          .flatMap((b) => b.items)
          .filter((e) => e.auditID === auditID)
          .map((e) => e.stage);
      await until('the request’s events at the receiver', () => stagesOf().length === 2);
      expect(stagesOf()).toEqual(['RequestReceived', 'ResponseComplete']);
      expect(batches[0]).toMatchObject({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1' });
      expect(failNext).toBe(0);
      const exposition = parseExposition((await pwk.request('GET', '/metrics', { token: ADMIN })).text);
      expect(sampleSum(exposition, 'apiserver_audit_error_total', { plugin: 'webhook' })).toBe(0);
    } finally {
      await pwk.stop();
    }
  });

  it('counts a batch that failed every try in apiserver_audit_error_total{plugin="webhook"}', async () => {
    failNext = 1000;
    const pwk = await startSecureServer({
      flags: [
        `--token-auth-file=${dir}/tokens.csv`,
        `--audit-policy-file=${dir}/policy.yaml`,
        `--audit-webhook-config-file=${dir}/audit-webhook.kubeconfig`,
      ],
      start: { auditWebhookBatch: { maxWaitMs: 20, initialBackoffMs: 10, retries: 2 } },
    });
    try {
      // The request is answered at once, whatever the webhook does.
      expect((await pwk.request('GET', FOOS, { token: ADMIN })).status).toBe(200);
      await until('the failed batch to be counted', async () => {
        const exposition = parseExposition((await pwk.request('GET', '/metrics', { token: ADMIN })).text);
        return sampleSum(exposition, 'apiserver_audit_error_total', { plugin: 'webhook' }) >= 2;
      });
      expect(
        pwk.logs.some((l) => l.message === 'audit events could not be written' && l.plugin === 'webhook'),
      ).toBe(true);
    } finally {
      failNext = 0;
      await pwk.stop();
    }
  });
});

describe('the audit log file', () => {
  it('rotates past --audit-log-maxsize and keeps --audit-log-maxbackup old files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-audit-rotate-'));
    const metrics = new AuditMetrics(new Registry());
    const { logger } = quietLogger();
    const backend = createLogBackend({
      path: path.join(dir, 'audit.log'),
      maxAgeDays: 0,
      maxBackups: 2,
      maxSizeMB: 1,
      report: backendReport({ plugin: 'log', logger, metrics }),
    });
    try {
      // ~4.5 MB of events in 1 MB files: four rotations, of which two backups stay.
      for (let i = 0; i < 450; i++) backend.process([event(i, 10_000)]);
      await until(
        'four rotations',
        async () => (await readdir(dir)).filter((f) => /^audit-.*\.log$/.test(f)).length === 2,
      );
      await backend.close();
      const current = await readFile(path.join(dir, 'audit.log'), 'utf8');
      const lines = current.split('\n').filter(Boolean);
      expect(lines.at(-1)).toContain('"auditID":"id-449"');
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ kind: 'Event' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const support = smallDiskSupport();
  (support.ok ? it : it.skip)(
    'drops and counts events on a full audit disk, and answers requests all the same',
    async () => {
      const disk = await mountSmallDisk(256 * 1024);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-audit-full-'));
      try {
        await writeFile(path.join(dir, 'policy.yaml'), POLICY);
        await writeFile(path.join(dir, 'tokens.csv'), `${ADMIN},admin,1,"system:masters"\n`);
        const pwk = await startSecureServer({
          flags: [
            `--token-auth-file=${dir}/tokens.csv`,
            `--audit-policy-file=${dir}/policy.yaml`,
            `--audit-log-path=${disk.dir}/audit.log`,
          ],
        });
        try {
          await disk.fill(0);
          for (let i = 0; i < 20; i++)
            expect((await pwk.request('GET', FOOS, { token: ADMIN })).status).toBe(200);
          await until('the failed writes to be counted', async () => {
            const exposition = parseExposition((await pwk.request('GET', '/metrics', { token: ADMIN })).text);
            return sampleSum(exposition, 'apiserver_audit_error_total', { plugin: 'log' }) > 0;
          });
          expect(
            pwk.logs.some((l) => l.message === 'audit events could not be written' && l.plugin === 'log'),
          ).toBe(true);
          expect((await pwk.request('POST', FOOS, { token: ADMIN, body: foo('still-served') })).status).toBe(
            201,
          );
        } finally {
          await pwk.stop();
        }
      } finally {
        await disk.unmount();
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
