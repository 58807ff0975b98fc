/**
 * A pwk server admitted against a stand-in kube-apiserver (TokenReview, SubjectAccessReview and
 * the core API's namespaces and ResourceQuotas), as it runs in a cluster: `--kubeconfig` names
 * the stand-in, which authenticates the test's token as a cluster admin.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { startFakeKubeApiserver } from '../security/fake-kube-apiserver';
import type { FakeKubeApiserver } from '../security/fake-kube-apiserver';
import type { StartOptions } from '../../src/server/server';
import { startSecureServer } from '../security/secure-server';
import type { SecureResponse, SecureServer } from '../security/secure-server';

export const GROUP = 'bar.pwk.educative.io';
export const ADMIN = 'cluster-admin-token';
/** The admission suites write Foo at v1beta1, the version their webhook and policy rules name. */
export const collection = (ns: string) => `/apis/${GROUP}/v1beta1/namespaces/${ns}/foos`;
/** The Warning header every v1beta1 answer carries, before any other warning (a CRD's deprecationWarning). */
export const DEPRECATION_WARNING = `299 - "${GROUP}/v1beta1 Foo is deprecated; use ${GROUP}/v1 Foo"`;

export interface AdmittedServer {
  kube: FakeKubeApiserver;
  pwk: SecureServer;
  create(
    ns: string,
    name: string,
    extra?: { query?: string; body?: Record<string, unknown> },
  ): Promise<SecureResponse>;
  /** The namespaces that have a directory in the file store. */
  storedNamespaces(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startAdmittedServer(
  options: {
    flags?: string[];
    admissionSyncTimeoutMs?: number;
    prepare?: (kube: FakeKubeApiserver) => void;
    /** More start options (e.g. the webhooks' service resolver). */
    start?: Partial<Omit<StartOptions, 'config' | 'logger'>>;
  } = {},
): Promise<AdmittedServer> {
  const kube = await startFakeKubeApiserver();
  kube.tokens.set(ADMIN, { username: 'admin', groups: ['system:masters'] });
  kube.decide = () => ({ allowed: true, reason: 'the test is a cluster admin' });
  kube.core.bookmarkIntervalMs = 100;
  options.prepare?.(kube);
  const pwk = await startSecureServer({
    flags: [`--kubeconfig=${kube.kubeconfig}`, ...(options.flags ?? [])],
    start: { admissionSyncTimeoutMs: options.admissionSyncTimeoutMs, ...options.start },
  });
  return {
    kube,
    pwk,
    create: (ns, name, extra = {}) =>
      pwk.request('POST', `${collection(ns)}${extra.query ?? ''}`, {
        token: ADMIN,
        body: {
          apiVersion: `${GROUP}/v1beta1`,
          kind: 'Foo',
          metadata: { name },
          spec: { replicas: 1 },
          ...extra.body,
        },
      }),
    async storedNamespaces() {
      const dir = path.join(pwk.dir, 'data', GROUP, 'foos');
      return (await readdir(dir).catch(() => [] as string[])).sort();
    },
    async stop() {
      await pwk.stop();
      await kube.close();
    },
  };
}
