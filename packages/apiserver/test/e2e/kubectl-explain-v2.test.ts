/**
 * `kubectl explain` through OpenAPI v2 (issue 14): `--output=plaintext-openapiv2` makes kubectl
 * v1.32 read /openapi/v2 in protobuf only — what kubectl ≤ 1.26 always does, and what a
 * kube-apiserver that merges only v2 shows through the aggregator. A CRD explains there; so must
 * Foo: spec's fields (a plain $ref, not one wrapped in allOf) and metadata as kube's ObjectMeta.
 */
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { createKubectl } from './kubectl-helpers';
import type { Kubectl } from './kubectl-helpers';

jest.setTimeout(30_000);

const V2 = '--output=plaintext-openapiv2';

describe('kubectl explain from the OpenAPI v2 document', () => {
  let server: TestServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    server = await startTestServer();
    kubectl = createKubectl(server);
  });
  afterAll(() => server.stop());

  it('lists the fields of foo.spec with their types and descriptions, at the preferred version v1', async () => {
    const out = await kubectl.ok(['explain', 'foo.spec', V2]);
    expect(out).toMatch(/^KIND:\s+Foo$/m);
    expect(out).toMatch(/^VERSION:\s+bar\.pwk\.educative\.io\/v1$/m);
    expect(out).toMatch(/^RESOURCE: spec <Object>$/m);
    expect(out).toMatch(/^ {3}replicas\t<integer>$/m);
    expect(out).toMatch(/^ {3}location\t<string>$/m);
    expect(out).toMatch(/^ {3}paused\t<boolean>$/m);
    expect(out).toContain('How many replicas of the workload should exist.');
  });

  it('lists the fields of foo.spec at v1beta1 from the same document (both versions are in it)', async () => {
    const out = await kubectl.ok(['explain', 'foo.spec', V2, '--api-version=bar.pwk.educative.io/v1beta1']);
    expect(out).toMatch(/^VERSION:\s+bar\.pwk\.educative\.io\/v1beta1$/m);
    expect(out).toMatch(/^RESOURCE: spec <Object>$/m);
    expect(out).toMatch(/^ {3}replicas\t<integer>$/m);
    expect(out).toMatch(/^ {3}location\t<string>$/m);
    expect(out).not.toMatch(/paused/);
  });

  it('explains foo.metadata as kube-apiserver’s ObjectMeta, description and fields', async () => {
    const out = await kubectl.ok(['explain', 'foo.metadata', V2]);
    expect(out).toMatch(/^RESOURCE: metadata <Object>$/m);
    expect(out.replace(/\s+/g, ' ')).toContain(
      'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    );
    for (const field of [
      'annotations\t<map[string]string>',
      'ownerReferences\t<[]Object>',
      'uid\t<string>',
    ]) {
      expect(out).toContain(field);
    }
  });

  it('follows references two levels down (foo.status.conditions → kube’s Condition)', async () => {
    const out = await kubectl.ok(['explain', 'foo.status.conditions', V2]);
    expect(out).toMatch(/^RESOURCE: conditions <\[\]Object>$/m);
    expect(out).toMatch(/^ {3}lastTransitionTime\t<string> -required-$/m);
  });

  it('explains foo.metadata from the v3 document too, with the same ObjectMeta', async () => {
    const out = await kubectl.ok(['explain', 'foo.metadata']);
    expect(out).toMatch(/^FIELD: metadata <ObjectMeta>$/m);
    expect(out.replace(/\s+/g, ' ')).toContain(
      'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    );
  });
});
