/**
 * The ValidatingAdmissionPolicy plugin's staticManifestsDir: what a manifest must be (kind,
 * `.static.k8s.io` names, unique names, a binding's policyName and validationActions), read
 * again every interval — a new policy applies, a broken directory keeps the last good set.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { loadStaticPolicies, staticPolicySource } from '../../../src/admission/policy/static-source';
import { StaticManifestError } from '../../../src/admission/webhook/static-manifests';
import { createLogger } from '../../../src/logging/logger';

const V1 = 'admissionregistration.k8s.io/v1';
const policy = (name: string) => ({
  apiVersion: V1,
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name },
  spec: { validations: [{ expression: 'true' }] },
});
const binding = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: V1,
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name },
  spec: { policyName: 'p.static.k8s.io', validationActions: ['Deny'], ...spec },
});

describe('static policy manifests', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-static-policies-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = (name: string, docs: unknown[]) =>
    writeFile(path.join(dir, name), docs.map((d) => stringify(d)).join('---\n'));

  it('reads policies and bindings, from documents and Lists, in name order', async () => {
    await write('b.yaml', [policy('p.static.k8s.io'), binding('b.static.k8s.io')]);
    await write('a.json', [{ apiVersion: 'v1', kind: 'List', items: [policy('q.static.k8s.io')] }]);
    const loaded = await loadStaticPolicies(dir);
    expect(loaded.policies.map((p) => p.metadata.name)).toEqual(['q.static.k8s.io', 'p.static.k8s.io']);
    expect(loaded.bindings.map((b) => b.metadata.name)).toEqual(['b.static.k8s.io']);
  });

  it.each([
    [
      'another kind',
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x.static.k8s.io' } }],
      /unsupported resource type v1, Kind=ConfigMap/,
    ],
    [
      'a name without the suffix',
      [policy('p')],
      /ValidatingAdmissionPolicy "p" must have a name ending with "\.static\.k8s\.io"/,
    ],
    [
      'one name twice',
      [policy('p.static.k8s.io'), policy('p.static.k8s.io')],
      /duplicate ValidatingAdmissionPolicy name "p\.static\.k8s\.io"/,
    ],
    [
      'a policy without validations',
      [{ ...policy('p.static.k8s.io'), spec: {} }],
      /spec\.validations: Required value/,
    ],
    [
      'a binding without policyName',
      [binding('b.static.k8s.io', { policyName: '' })],
      /spec\.policyName: Required value/,
    ],
    [
      'a binding with an unknown action',
      [binding('b.static.k8s.io', { validationActions: ['Block'] })],
      /spec\.validationActions/,
    ],
  ])('refuses %s, naming the file', async (_what, docs, message) => {
    await write('bad.yaml', docs);
    const load = loadStaticPolicies(dir);
    await expect(load).rejects.toThrow(StaticManifestError);
    await expect(loadStaticPolicies(dir)).rejects.toThrow(message);
    await expect(loadStaticPolicies(dir)).rejects.toThrow(path.join(dir, 'bad.yaml'));
  });

  it('reads the directory again: a new policy applies, a broken file keeps the last good set', async () => {
    await write('p.yaml', [policy('p.static.k8s.io'), binding('b.static.k8s.io')]);
    const logger = createLogger({ level: 'error', format: 'json', stream: new PassThrough() });
    const source = await staticPolicySource({ dir, logger, reloadIntervalMs: 20 });
    try {
      expect(source.hooks().map((h) => h.policy.name)).toEqual(['p.static.k8s.io']);
      await write('q.yaml', [
        policy('q.static.k8s.io'),
        binding('c.static.k8s.io', { policyName: 'q.static.k8s.io' }),
      ]);
      await waitFor(() => source.hooks().length === 2);
      expect(source.hooks().map((h) => h.policy.name)).toEqual(['p.static.k8s.io', 'q.static.k8s.io']);
      await writeFile(path.join(dir, 'r.yaml'), 'kind: [unclosed');
      await new Promise((r) => setTimeout(r, 100));
      expect(source.hooks().map((h) => h.policy.name)).toEqual(['p.static.k8s.io', 'q.static.k8s.io']);
    } finally {
      source.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
