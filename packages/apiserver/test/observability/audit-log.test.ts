/**
 * The audit log: under a RequestResponse policy, every line is an audit.k8s.io/v1 Event — a
 * create has RequestReceived and ResponseComplete with both bodies, a watch ResponseStarted in
 * between, a denied request its 403 and authorization's "forbid" — with the Audit-ID the client
 * got. Rules pick levels by user, verb, resource and URL; omitStages and omitManagedFields apply;
 * events are counted in apiserver_audit_event_total.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { FOOS, foo, startSecureServer } from '../security/secure-server';
import type { SecureServer } from '../security/secure-server';
import { parseExposition, sampleSum } from '../support/exposition';

const ADMIN = 'admin-token';
const NOBODY = 'nobody-token';
const BOT = 'bot-token';

/** audit.k8s.io/v1 Event: what a consumer of kube's audit log relies on. */
const eventSchema = z.object({
  kind: z.literal('Event'),
  apiVersion: z.literal('audit.k8s.io/v1'),
  level: z.enum(['Metadata', 'Request', 'RequestResponse']),
  auditID: z.string().min(1),
  stage: z.enum(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']),
  requestURI: z.string(),
  verb: z.string(),
  user: z.object({
    username: z.string(),
    uid: z.string().optional(),
    groups: z.array(z.string()).optional(),
  }),
  sourceIPs: z.array(z.string()).min(1),
  userAgent: z.string().optional(),
  objectRef: z
    .object({
      resource: z.string().optional(),
      namespace: z.string().optional(),
      name: z.string().optional(),
      apiGroup: z.string().optional(),
      apiVersion: z.string().optional(),
      subresource: z.string().optional(),
    })
    .strict()
    .optional(),
  responseStatus: z
    .object({
      metadata: z.object({}),
      code: z.number(),
      status: z.string().optional(),
      message: z.string().optional(),
      reason: z.string().optional(),
    })
    .optional(),
  requestObject: z.unknown().optional(),
  responseObject: z.unknown().optional(),
  requestReceivedTimestamp: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
  stageTimestamp: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
  annotations: z.record(z.string(), z.string()).optional(),
});
type Event = z.infer<typeof eventSchema>;
const eventListSchema = z.object({
  kind: z.literal('EventList'),
  apiVersion: z.literal('audit.k8s.io/v1'),
  items: z.array(eventSchema),
});

const POLICY = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitManagedFields: true,
  rules: [
    { level: 'None', nonResourceURLs: ['/healthz*', '/readyz*', '/livez*'] },
    { level: 'Metadata', nonResourceURLs: ['/metrics'] },
    { level: 'Request', users: ['bot'], omitStages: ['RequestReceived'] },
    {
      level: 'RequestResponse',
      resources: [{ group: 'bar.pwk.educative.io', resources: ['foos', 'foos/*'] }],
    },
  ],
};

describe('the audit log', () => {
  let dir: string;
  let logPath: string;
  let pwk: SecureServer;

  const events = async (): Promise<Event[]> => {
    const text = await readFile(logPath, 'utf8');
    const lines = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);
    // Every line is an Event; together they make an EventList.
    return eventListSchema.parse({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: lines }).items;
  };
  /** The request's events, once `stages` of them are in the log (the log is written in the background). */
  const of = async (auditID: string, stages: number): Promise<Event[]> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = (await events()).filter((e) => e.auditID === auditID);
      if (found.length >= stages || Date.now() > deadline) {
        expect(found.length).toBe(stages);
        return found;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-audit-'));
    logPath = path.join(dir, 'audit', 'audit.log');
    await writeFile(
      path.join(dir, 'tokens.csv'),
      [`${ADMIN},admin,1,"system:masters"`, `${NOBODY},nobody,2`, `${BOT},bot,3,"system:masters"`].join('\n'),
    );
    await writeFile(path.join(dir, 'policy.yaml'), stringify(POLICY));
    pwk = await startSecureServer({
      flags: [
        `--token-auth-file=${dir}/tokens.csv`,
        `--audit-policy-file=${dir}/policy.yaml`,
        `--audit-log-path=${logPath}`,
      ],
    });
  });
  afterAll(async () => {
    await pwk?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs a create at RequestResponse: RequestReceived, then ResponseComplete with both bodies', async () => {
    const res = await pwk.request('POST', FOOS, {
      token: ADMIN,
      body: foo('audited'),
      headers: { 'user-agent': 'audit-test/1' },
    });
    expect(res.status).toBe(201);
    const auditID = String(res.headers['audit-id']);
    const [received, complete] = await of(auditID, 2);
    expect(received).toMatchObject({
      stage: 'RequestReceived',
      level: 'RequestResponse',
      verb: 'create',
      requestURI: '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos',
      user: { username: 'admin', uid: '1', groups: ['system:masters', 'system:authenticated'] },
      userAgent: 'audit-test/1',
      objectRef: {
        resource: 'foos',
        namespace: 'default',
        apiGroup: 'bar.pwk.educative.io',
        apiVersion: 'v1beta1',
      },
    });
    expect(received!.sourceIPs).toEqual(['127.0.0.1']);
    expect(received!.responseStatus).toBeUndefined();
    expect(received!.requestObject).toBeUndefined();
    expect(complete).toMatchObject({
      stage: 'ResponseComplete',
      responseStatus: { metadata: {}, code: 201 },
      requestObject: foo('audited'),
      responseObject: { kind: 'Foo', metadata: { name: 'audited', namespace: 'default' } },
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
      requestReceivedTimestamp: received!.requestReceivedTimestamp,
    });
    // omitManagedFields: the stored object has them, the log does not.
    expect(res.json<{ metadata: Record<string, unknown> }>().metadata.managedFields).toBeDefined();
    expect(
      (complete!.responseObject as { metadata: Record<string, unknown> }).metadata.managedFields,
    ).toBeUndefined();
    expect(complete!.stageTimestamp >= received!.stageTimestamp).toBe(true);
  });

  it('logs a watch with ResponseStarted when its stream begins and ResponseComplete when it ends', async () => {
    const res = await pwk.request('GET', `${FOOS}?watch=true&timeoutSeconds=1`, { token: ADMIN });
    expect(res.status).toBe(200);
    const found = await of(String(res.headers['audit-id']), 3);
    expect(found.map((e) => e.stage)).toEqual(['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
    for (const event of found) expect(event.verb).toBe('watch');
    expect(found[1]!.responseStatus).toEqual({ metadata: {}, code: 200 });
    // A stream is no object: the watch's events are not in the log.
    expect(found[2]!.responseObject).toBeUndefined();
  });

  it('logs a denied request with its 403 Status and authorization’s "forbid"', async () => {
    const res = await pwk.request('DELETE', `${FOOS}/audited`, { token: NOBODY });
    expect(res.status).toBe(403);
    const [received, complete] = await of(String(res.headers['audit-id']), 2);
    expect(received!.stage).toBe('RequestReceived');
    expect(received!.annotations).toBeUndefined();
    expect(complete).toMatchObject({
      stage: 'ResponseComplete',
      verb: 'delete',
      user: { username: 'nobody' },
      objectRef: { resource: 'foos', namespace: 'default', name: 'audited' },
      responseStatus: { code: 403, status: 'Failure', reason: 'Forbidden' },
      annotations: { 'authorization.k8s.io/decision': 'forbid' },
    });
    expect(complete!.responseStatus!.message).toContain('User "nobody" cannot delete resource "foos"');
  });

  it('applies the first matching rule: Metadata for /metrics, None for health, omitted stages', async () => {
    const metrics = await pwk.request('GET', '/metrics', { token: ADMIN });
    const health = await pwk.request('GET', '/healthz', { token: ADMIN });
    const bot = await pwk.request('GET', `${FOOS}/audited`, { token: BOT });
    const [scrape] = await of(String(metrics.headers['audit-id']), 2);
    expect(scrape).toMatchObject({ level: 'Metadata', verb: 'get', requestURI: '/metrics' });
    expect(scrape!.objectRef).toBeUndefined();
    const [botEvent] = await of(String(bot.headers['audit-id']), 1);
    expect(botEvent).toMatchObject({
      stage: 'ResponseComplete',
      level: 'Request',
      user: { username: 'bot' },
    });
    expect(botEvent!.responseObject).toBeUndefined();
    expect((await events()).some((e) => e.auditID === health.headers['audit-id'])).toBe(false);
  });

  it('counts the events it wrote', async () => {
    const written = (await events()).length;
    const exposition = parseExposition((await pwk.request('GET', '/metrics', { token: ADMIN })).text);
    // This scrape's RequestReceived is counted before the metrics are read.
    expect(sampleSum(exposition, 'apiserver_audit_event_total')).toBeGreaterThanOrEqual(written + 1);
    expect(sampleSum(exposition, 'apiserver_audit_level_total', { level: 'RequestResponse' })).toBe(3);
    expect(sampleSum(exposition, 'apiserver_audit_error_total', { plugin: 'log' })).toBe(0);
  });
});
