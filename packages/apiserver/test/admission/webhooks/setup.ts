/**
 * Webhook configurations for the tests, in the admissionregistration.k8s.io/v1 form a cluster
 * holds, each confined to one test namespace (by `kubernetes.io/metadata.name`) so one pwk and
 * its stand-in core API serve every test of a file side by side.
 */
import { GROUP } from '../cluster';
import type { WebhookServer } from '../../support/webhook-server';

export const fooRule = (extra: Record<string, unknown> = {}) => ({
  operations: ['CREATE', 'UPDATE'],
  apiGroups: [GROUP],
  apiVersions: ['v1beta1'],
  resources: ['foos'],
  ...extra,
});

export const inNamespace = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });

/** A webhook at `server` + path, for foos in `namespace`, with v1 defaults spelt out as a cluster returns them. */
export function webhook(
  server: WebhookServer | { url: string; caBundle: string },
  opts: { name: string; path: string; namespace: string; extra?: Record<string, unknown> },
): Record<string, unknown> {
  return {
    name: opts.name,
    clientConfig: { url: `${server.url}${opts.path}`, caBundle: server.caBundle },
    rules: [fooRule()],
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    namespaceSelector: inNamespace(opts.namespace),
    objectSelector: {},
    sideEffects: 'None',
    timeoutSeconds: 10,
    admissionReviewVersions: ['v1'],
    ...opts.extra,
  };
}

export function configuration(name: string, webhooks: Array<Record<string, unknown>>) {
  return { metadata: { name }, webhooks };
}
