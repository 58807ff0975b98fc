/**
 * kubectl against a kind served at two versions (Foo v1, stored, and v1beta1, deprecated —
 * @pwk/api's fooKind, what the server installs): the preferred version by default, the other by
 * its full resource name, kubectl's deprecation warning, and explain at either version.
 */
import { stringify } from 'yaml';
import { fooKind } from '@pwk/api';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { createKubectl, parseTable } from './kubectl-helpers';
import type { Kubectl } from './kubectl-helpers';

jest.setTimeout(30_000);

const GROUP = 'bar.pwk.educative.io';
const WARNING = `Warning: ${GROUP}/v1beta1 Foo is deprecated; use ${GROUP}/v1 Foo`;

describe('kubectl against a kind served at two versions', () => {
  let server: TestServer;
  let kubectl: Kubectl;
  beforeAll(async () => {
    server = await startTestServer({ kinds: [fooKind] });
    kubectl = createKubectl(server);
    const manifest = stringify({
      apiVersion: `${GROUP}/v1`,
      kind: 'Foo',
      metadata: { name: 'twice', namespace: 'default' },
      spec: { replicas: 4, paused: true },
    });
    await kubectl.ok(['apply', '--server-side', '-f', '-'], { stdin: manifest });
  });
  afterAll(() => server.stop());

  it('gets the preferred version (v1) by default, without a warning', async () => {
    const result = await kubectl.run(['get', 'foos', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const list = JSON.parse(result.stdout) as { items: Array<{ apiVersion: string; spec: object }> };
    expect(list.items).toEqual([
      expect.objectContaining({ apiVersion: `${GROUP}/v1`, spec: { replicas: 4, paused: true } }),
    ]);
  });

  it('gets v1beta1 by its full resource name, with kubectl printing the deprecation warning', async () => {
    const result = await kubectl.run(['get', `foos.v1beta1.${GROUP}`, 'twice', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(WARNING);
    const foo = JSON.parse(result.stdout) as { apiVersion: string; spec: object };
    expect(foo).toMatchObject({ apiVersion: `${GROUP}/v1beta1`, spec: { replicas: 4 } });
    expect(foo.spec).not.toHaveProperty('paused');
    expect(parseTable((await kubectl.run(['get', `foos.v1beta1.${GROUP}`])).stdout)).toEqual([
      expect.objectContaining({ NAME: 'twice', REPLICAS: '4' }),
    ]);
  });

  it('explains each version from its own OpenAPI document', async () => {
    const v1 = await kubectl.ok(['explain', 'foo.spec']);
    expect(v1).toMatch(/^VERSION:\s+v1$/m);
    expect(v1).toMatch(/^ {2}paused\t<boolean>$/m);
    const v1beta1 = await kubectl.ok(['explain', 'foo.spec', `--api-version=${GROUP}/v1beta1`]);
    expect(v1beta1).toMatch(/^VERSION:\s+v1beta1$/m);
    expect(v1beta1).not.toMatch(/paused/);
  });
});
