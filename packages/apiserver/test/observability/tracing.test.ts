/**
 * Traces over OTLP/HTTP to a real receiver (an HTTP server in the test decoding what arrives):
 * with --tracing-config-file, a request carrying kube-apiserver's `traceparent` becomes a
 * "KubernetesAPI" server span in the caller's trace, with authentication, authorization,
 * admission, the storage operation and its fsyncs nested under it; without a sampled parent,
 * samplingRatePerMillion decides; a bad configuration stops start-up. The spans come from the
 * built binary in a real process: OpenTelemetry's OTLP/HTTP exporter loads Node's http module with
 * a dynamic import(), which jest's module sandbox does not run.
 */
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseCommandLine } from '../../src/config/flags';
import { createLogger } from '../../src/logging/logger';
import { startServer } from '../../src/server/server';
import { FOOS, foo } from '../security/secure-server';
import { webhook } from '../admission/webhooks/setup';
import { readResponse } from '../support/server';
import { startWebhookServer } from '../support/webhook-server';
import type { WebhookServer } from '../support/webhook-server';
import type { TestResponse } from '../support/server';
import { spawnApiserver } from '../support/apiserver-process';

const ADMIN = 'admin-token';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: string | number } }>;
}

interface OtlpRequest {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? Number(value.intValue) : undefined);
};

jest.setTimeout(40_000);

describe('tracing', () => {
  let dir: string;
  let receiver: http.Server;
  const received: OtlpRequest[] = [];
  const contentTypes: string[] = [];
  let child: ChildProcess;
  let hooks: WebhookServer;
  let url: string;
  let ca: Buffer;
  const request = (
    method: string,
    urlPath: string,
    opts: { body?: object; headers?: Record<string, string> } = {},
  ): Promise<TestResponse> =>
    new Promise((resolve, reject) => {
      const body = opts.body && JSON.stringify(opts.body);
      const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}`, ...opts.headers };
      if (body) headers['content-type'] = 'application/json';
      const req = https.request(`${url}${urlPath}`, { method, headers, ca }, (res) => {
        readResponse(res).then(resolve, reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  const spans = () =>
    received.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)));

  const until = async (what: string, check: () => boolean) => {
    // The binary exports every 5 s (BatchSpanProcessor's default).
    const deadline = Date.now() + 15_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-tracing-'));
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces' && req.method === 'POST') {
          contentTypes.push(String(req.headers['content-type']));
          received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    await writeFile(
      path.join(dir, 'tracing.yaml'),
      stringify({
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'TracingConfiguration',
        endpoint: `127.0.0.1:${port}`,
        samplingRatePerMillion: 0,
      }),
    );
    await writeFile(path.join(dir, 'tokens.csv'), `${ADMIN},admin,1,"system:masters"\n`);
    // A validating webhook (static manifest, allowing everything), so that creates run admission.
    hooks = await startWebhookServer();
    const manifests = path.join(dir, 'validating');
    await mkdir(manifests);
    await writeFile(
      path.join(manifests, 'allow.yaml'),
      stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'allow.static.k8s.io' },
        webhooks: [webhook(hooks, { name: 'allow.example.com', path: '/allow', namespace: 'default' })],
      }),
    );
    await writeFile(
      path.join(dir, 'admission.yaml'),
      stringify({
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'AdmissionConfiguration',
        plugins: [
          {
            name: 'ValidatingAdmissionWebhook',
            configuration: {
              apiVersion: 'apiserver.config.k8s.io/v1',
              kind: 'WebhookAdmissionConfiguration',
              staticManifestsDir: manifests,
            },
          },
        ],
      }),
    );
    const server = await spawnApiserver(dir, [
      `--tracing-config-file=${dir}/tracing.yaml`,
      `--admission-control-config-file=${dir}/admission.yaml`,
      '--shutdown-delay-duration=0s',
    ]);
    ({ child, url, ca } = server);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => receiver.close(r));
    await hooks?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('continues the caller’s trace: the request span and what it did, nested', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await request('POST', FOOS, {
      body: foo('traced'),
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(res.status).toBe(201);
    const inTrace = () => spans().filter((s) => s.traceId === traceId);
    await until('the request span', () => inTrace().some((s) => s.name === 'KubernetesAPI'));
    await until('the fsync spans', () => inTrace().some((s) => s.name === 'fsync'));
    const all = inTrace();
    const byId = new Map(all.map((s) => [s.spanId, s]));
    const server = all.find((s) => s.name === 'KubernetesAPI')!;
    expect(server.parentSpanId).toBe(callerSpan);
    expect(server.kind).toBe(2); // SERVER
    expect(attribute(server, 'http.request.method')).toBe('POST');
    expect(attribute(server, 'http.response.status_code')).toBe(201);
    expect(attribute(server, 'audit-id')).toBe(res.headers['audit-id']);
    const under = (span: OtlpSpan, ancestor: OtlpSpan): boolean => {
      for (let p = span.parentSpanId; p; p = byId.get(p)?.parentSpanId)
        if (p === ancestor.spanId) return true;
      return false;
    };
    for (const name of [
      'authentication',
      'authorization',
      'admission.admit',
      'admission.validate',
      'storage.create',
    ]) {
      const span = all.find((s) => s.name === name);
      if (!span) throw new Error(`no ${name} span among ${all.map((s) => s.name).join(', ')}`);
      expect(span).toBeDefined();
      expect(under(span!, server)).toBe(true);
    }
    const create = all.find((s) => s.name === 'storage.create')!;
    expect(attribute(create, 'type')).toBe('foos.bar.pwk.educative.io');
    const fsyncs = all.filter((s) => s.name === 'fsync');
    for (const fsync of fsyncs) expect(under(fsync, create)).toBe(true);
    // The write-ahead log's fdatasync the create waited for (the default --file-store-sync=log).
    expect(fsyncs.map((s) => attribute(s, 'target'))).toContain('log');
    expect(contentTypes[0]).toMatch(/^application\/json/);
    const resource = received[0]!.resourceSpans[0]!.resource.attributes;
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'pwk-apiserver' } });
  });

  it('records nothing for a request without a sampled parent at samplingRatePerMillion 0', async () => {
    const traceId = randomBytes(16).toString('hex');
    const unsampled = await request('GET', `${FOOS}/traced`, {
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-00` },
    });
    expect(unsampled.status).toBe(200);
    const plain = await request('GET', `${FOOS}/traced`);
    expect(plain.status).toBe(200);
    // A sampled request after them: once it has arrived, the earlier ones would have too.
    const marker = randomBytes(16).toString('hex');
    await request('GET', `${FOOS}/traced`, {
      headers: { traceparent: `00-${marker}-${randomBytes(8).toString('hex')}-01` },
    });
    await until('the sampled request', () => spans().some((s) => s.traceId === marker));
    expect(spans().filter((s) => s.traceId === traceId)).toEqual([]);
    const auditIds = spans().map((s) => attribute(s, 'audit-id'));
    expect(auditIds).not.toContain(plain.headers['audit-id']);
  });

  it.each([
    [
      {
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'TracingConfiguration',
        samplingRatePerMillion: 2_000_000,
      },
      'samplingRatePerMillion must be between 0 and 1000000',
    ],
    [{ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'Tracing' }, 'kind must be "TracingConfiguration"'],
    [{ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'TracingConfiguration', endpont: 'x:1' }, 'endpont'],
  ])('stops start-up on %j', async (doc, message) => {
    const file = path.join(dir, 'bad-tracing.yaml');
    await writeFile(file, stringify(doc));
    const parsed = parseCommandLine([
      '--secure-port=0',
      '--bind-address=127.0.0.1',
      `--data-dir=${path.join(dir, 'never')}`,
      `--token-auth-file=${dir}/tokens.csv`,
      `--tracing-config-file=${file}`,
    ]);
    if (parsed.help) throw new Error('unexpected help');
    const logger = createLogger({ level: 'error', format: 'json' });
    await expect(startServer({ config: parsed.config, logger, env: {} })).rejects.toThrow(message);
  });
});

describe('tracing off', () => {
  it('a server without --tracing-config-file does not load the OpenTelemetry SDK', () => {
    const server = path.join(__dirname, '..', '..', 'dist', 'server', 'server.js');
    const loaded = spawnSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(server)}); console.log(Object.keys(require.cache).join('\\n'))`],
      { encoding: 'utf8' },
    );
    expect(loaded.status).toBe(0);
    const modules = loaded.stdout.split('\n');
    expect(modules.some((m) => m.endsWith(path.join('dist', 'server', 'server.js')))).toBe(true);
    expect(modules.filter((m) => /@opentelemetry[\\/](sdk-trace|exporter|otlp)/.test(m))).toEqual([]);
  });
});
