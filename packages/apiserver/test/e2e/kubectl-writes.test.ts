/**
 * kubectl end-to-end (issue 5): writes as kubectl makes them — apply twice, patch in its three
 * types, edit, server-side dry run, strict field validation, finalizers, and (once the server
 * has them) server-side apply, /status and /scale — against a running pwk apiserver.
 */
import { readFile } from 'node:fs/promises';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import {
  FOO_REF,
  FOO_VERSIONS,
  createKubectl,
  fooManifest,
  kubectlWarnings,
  parseTable,
} from './kubectl-helpers';
import type { Kubectl } from './kubectl-helpers';

jest.setTimeout(30_000);

interface FooObject {
  metadata: {
    name: string;
    resourceVersion: string;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    managedFields?: Array<{ manager: string; operation: string }>;
  };
  spec?: { replicas?: number; location?: string; paused?: boolean };
  status?: { observedGeneration?: number };
}

/** Where serverGet reads: v1, the preferred version kubectl writes and reads too. */
const FOOS_PATH = '/apis/bar.pwk.educative.io/v1/namespaces';

describe('kubectl writes against the pwk apiserver', () => {
  let server: TestServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    server = await startTestServer();
    kubectl = createKubectl(server);
  });
  afterAll(() => server.stop());

  const serverGet = async (namespace: string, name: string): Promise<{ status: number; foo: FooObject }> => {
    const res = await server.request('GET', `${FOOS_PATH}/${namespace}/foos/${name}`);
    return { status: res.status, foo: res.json<FooObject>() };
  };

  const create = async (
    namespace: string,
    name: string,
    spec: Record<string, unknown>,
    finalizers?: string[],
  ) => {
    await kubectl.ok(['create', '-f', '-'], { stdin: fooManifest({ name, namespace, spec, finalizers }) });
  };

  describe('client-side apply', () => {
    it('reports configured on a second apply with a new value, and unchanged on a third', async () => {
      const manifest = (replicas: number) =>
        fooManifest({ name: 'twice', namespace: 'apply', spec: { replicas } });
      const file = await kubectl.writeManifest('twice.yaml', manifest(1));
      expect(await kubectl.ok(['apply', '-f', file])).toBe(`${FOO_REF}/twice created\n`);
      await kubectl.writeManifest('twice.yaml', manifest(5));
      expect(await kubectl.ok(['apply', '-f', file])).toBe(`${FOO_REF}/twice configured\n`);
      const { foo } = await serverGet('apply', 'twice');
      expect(foo.spec).toEqual({ replicas: 5, paused: false });
      const lastApplied = JSON.parse(
        foo.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}',
      ) as FooObject;
      expect(lastApplied.spec).toEqual({ replicas: 5 });
      expect(await kubectl.ok(['apply', '-f', file])).toBe(`${FOO_REF}/twice unchanged\n`);
    });

    it('removes a field that was dropped from the applied configuration', async () => {
      const file = await kubectl.writeManifest(
        'dropped.yaml',
        fooManifest({ name: 'dropped', namespace: 'apply', spec: { replicas: 2, location: 'Paris' } }),
      );
      await kubectl.ok(['apply', '-f', file]);
      await kubectl.writeManifest(
        'dropped.yaml',
        fooManifest({ name: 'dropped', namespace: 'apply', spec: { replicas: 2 } }),
      );
      expect(await kubectl.ok(['apply', '-f', file])).toBe(`${FOO_REF}/dropped configured\n`);
      expect((await serverGet('apply', 'dropped')).foo.spec).toEqual({ replicas: 2, paused: false });
    });

    it('keeps a field another writer set that the applied configuration never mentioned', async () => {
      const file = await kubectl.writeManifest(
        'shared.yaml',
        fooManifest({ name: 'shared', namespace: 'apply', spec: { replicas: 1 } }),
      );
      await kubectl.ok(['apply', '-f', file]);
      await kubectl.ok([
        'patch',
        'foo',
        'shared',
        '-n',
        'apply',
        '--type',
        'merge',
        '-p',
        '{"spec":{"location":"Oslo"}}',
      ]);
      await kubectl.writeManifest(
        'shared.yaml',
        fooManifest({ name: 'shared', namespace: 'apply', spec: { replicas: 3 } }),
      );
      await kubectl.ok(['apply', '-f', file]);
      expect((await serverGet('apply', 'shared')).foo.spec).toEqual({
        replicas: 3,
        location: 'Oslo',
        paused: false,
      });
    });
  });

  describe('patch', () => {
    it('applies a merge patch (--type merge)', async () => {
      await create('patch', 'patched', { replicas: 1 });
      const out = await kubectl.ok([
        'patch',
        'foo',
        'patched',
        '-n',
        'patch',
        '--type',
        'merge',
        '-p',
        '{"spec":{"replicas":2}}',
      ]);
      expect(out).toBe(`${FOO_REF}/patched patched\n`);
      expect((await serverGet('patch', 'patched')).foo.spec).toEqual({ replicas: 2, paused: false });
    });

    it('applies a JSON patch (--type json)', async () => {
      await create('patch', 'json', { replicas: 2 });
      const ops =
        '[{"op":"test","path":"/spec/replicas","value":2},{"op":"add","path":"/spec/location","value":"Lima"}]';
      const out = await kubectl.ok(['patch', 'foo', 'json', '-n', 'patch', '--type', 'json', '-p', ops]);
      expect(out).toBe(`${FOO_REF}/json patched\n`);
      expect((await serverGet('patch', 'json')).foo.spec).toEqual({
        replicas: 2,
        location: 'Lima',
        paused: false,
      });
    });

    it('applies a strategic merge patch (kubectl patch default), deleting a field with null', async () => {
      await create('patch', 'strategic', { replicas: 1, location: 'Lima' });
      const out = await kubectl.ok([
        'patch',
        'foo',
        'strategic',
        '-n',
        'patch',
        '-p',
        '{"spec":{"replicas":4,"location":null}}',
      ]);
      expect(out).toBe(`${FOO_REF}/strategic patched\n`);
      expect((await serverGet('patch', 'strategic')).foo.spec).toEqual({ replicas: 4, paused: false });
    });

    it('merges metadata.finalizers in a strategic merge patch instead of replacing them', async () => {
      await create('patch', 'listed', { replicas: 1 }, ['example.com/a']);
      await kubectl.ok([
        'patch',
        'foo',
        'listed',
        '-n',
        'patch',
        '-p',
        '{"metadata":{"finalizers":["example.com/b"]}}',
      ]);
      expect((await serverGet('patch', 'listed')).foo.metadata.finalizers).toEqual([
        'example.com/a',
        'example.com/b',
      ]);
      await kubectl.ok([
        'patch',
        'foo',
        'listed',
        '-n',
        'patch',
        '--type',
        'merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ]);
    });

    it('says nothing changed for a patch that changes nothing, and writes nothing', async () => {
      await create('patch', 'still', { replicas: 4 });
      const before = (await serverGet('patch', 'still')).foo;
      const out = await kubectl.ok([
        'patch',
        'foo',
        'still',
        '-n',
        'patch',
        '--type',
        'merge',
        '-p',
        '{"spec":{"replicas":4}}',
      ]);
      // kubectl compares the object it read with the one the server returned.
      expect(out).toBe(`${FOO_REF}/still patched (no change)\n`);
      expect((await serverGet('patch', 'still')).foo).toEqual(before);
    });

    it('refuses a JSON patch whose test operation fails, writing nothing', async () => {
      await create('patch', 'tested', { replicas: 1 });
      const before = (await serverGet('patch', 'tested')).foo;
      const ops =
        '[{"op":"test","path":"/spec/replicas","value":99},{"op":"replace","path":"/spec/replicas","value":5}]';
      const result = await kubectl.run([
        'patch',
        'foo',
        'tested',
        '-n',
        'patch',
        '--type',
        'json',
        '-p',
        ops,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^The request is invalid: .*Test operation failed/);
      expect((await serverGet('patch', 'tested')).foo).toEqual(before);
    });

    it('refuses a patch to a missing object with NotFound', async () => {
      // In the default namespace: elsewhere kubectl then asks /api/v1/namespaces/<ns>, which a
      // standalone pwk does not serve, and prints that 404 instead (a cluster would answer it).
      const result = await kubectl.run(['patch', 'foo', 'ghost', '--type', 'merge', '-p', '{"spec":{}}']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'Error from server (NotFound): foos.bar.pwk.educative.io "ghost" not found\n',
      );
    });
  });

  describe('edit', () => {
    it('saves what the editor changed (EDITOR set to a sed command)', async () => {
      await create('edit', 'edited', { replicas: 8 });
      const result = await kubectl.run(['edit', 'foo', 'edited', '-n', 'edit'], {
        env: { EDITOR: "sed -i -e 's/replicas: 8/replicas: 9/'" },
      });
      expect(result).toMatchObject({ code: 0, stdout: `${FOO_REF}/edited edited\n` });
      expect((await serverGet('edit', 'edited')).foo.spec).toEqual({ replicas: 9, paused: false });
    });

    it('reports an edit that made the object invalid and keeps the stored object', async () => {
      await create('edit', 'broken', { replicas: 8 });
      const result = await kubectl.run(['edit', 'foo', 'broken', '-n', 'edit'], {
        env: { EDITOR: "sed -i -e 's/replicas: 8/replicas: -8/'" },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: foos\.bar\.pwk\.educative\.io "broken" is invalid\n/);
      expect(result.stderr).toContain('error: Edit cancelled, no valid changes were saved.');
      // kubectl writes the server's field errors into the copy it keeps of the edit.
      const copy = /A copy of your changes has been stored to "([^"]+)"/.exec(result.stderr)?.[1] ?? '';
      expect(await readFile(copy, 'utf8')).toContain(
        '# * spec.replicas: Invalid value: -8: must be greater than or equal to 0',
      );
      expect((await serverGet('edit', 'broken')).foo.spec).toEqual({ replicas: 8, paused: false });
    });
  });

  describe('server-side dry run', () => {
    it('answers create --dry-run=server as created, and stores nothing', async () => {
      const result = await kubectl.run(['create', '-f', '-', '--dry-run=server'], {
        stdin: fooManifest({ name: 'dry', namespace: 'dry', spec: { replicas: 1 } }),
      });
      expect(result).toMatchObject({ code: 0, stdout: `${FOO_REF}/dry created (server dry run)\n` });
      expect((await serverGet('dry', 'dry')).status).toBe(404);
    });

    it('prints the defaulted, server-set object from create --dry-run=server -o yaml', async () => {
      const out = await kubectl.ok(['create', '-f', '-', '--dry-run=server', '-o', 'json'], {
        stdin: fooManifest({ name: 'dry-out', namespace: 'dry', spec: { location: 'Kyiv' } }),
      });
      const foo = JSON.parse(out) as FooObject & { metadata: { uid?: string } };
      expect(foo.metadata.name).toBe('dry-out');
      expect(foo.spec).toEqual({ replicas: 1, location: 'Kyiv', paused: false });
      expect((await serverGet('dry', 'dry-out')).status).toBe(404);
    });

    it.each(FOO_VERSIONS)('still validates in a dry run at %s', async (version) => {
      const result = await kubectl.run(['create', '-f', '-', '--dry-run=server'], {
        stdin: fooManifest({ name: 'dry-bad', namespace: 'dry', spec: { replicas: -1 }, version }),
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        kubectlWarnings(version) +
          'The Foo "dry-bad" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
      );
    });

    it('changes nothing with apply, patch or delete --dry-run=server', async () => {
      await create('dry', 'kept', { replicas: 1 });
      const before = (await serverGet('dry', 'kept')).foo;
      const file = await kubectl.writeManifest(
        'kept.yaml',
        fooManifest({ name: 'kept', namespace: 'dry', spec: { replicas: 6 } }),
      );
      expect(await kubectl.ok(['apply', '-f', file, '--dry-run=server'])).toBe(
        `${FOO_REF}/kept configured (server dry run)\n`,
      );
      expect(
        await kubectl.ok([
          'patch',
          'foo',
          'kept',
          '-n',
          'dry',
          '--type',
          'merge',
          '-p',
          '{"spec":{"replicas":7}}',
          '--dry-run=server',
        ]),
        // kubectl patch prints no dry-run suffix, even though it sends dryRun=All.
      ).toBe(`${FOO_REF}/kept patched\n`);
      expect(await kubectl.ok(['delete', 'foo', 'kept', '-n', 'dry', '--dry-run=server'])).toBe(
        `${FOO_REF} "kept" deleted (server dry run)\n`,
      );
      expect((await serverGet('dry', 'kept')).foo).toEqual(before);
    });
  });

  describe.each(FOO_VERSIONS)('field validation at %s', (version) => {
    const namespace = `fields-${version}`;
    const warnings = kubectlWarnings(version);
    const withColour = (name: string) =>
      `${fooManifest({ name, namespace, spec: { replicas: 1 }, version }).trimEnd()}\n  colour: red\n`;

    it('rejects an unknown field in kubectl create (strict by default), naming the field', async () => {
      const file = await kubectl.writeManifest('colour.yaml', withColour('coloured'));
      const result = await kubectl.run(['create', '-f', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        warnings +
          `Error from server (BadRequest): error when creating "${file}": strict decoding error: unknown field "spec.colour"\n`,
      );
      expect((await serverGet(namespace, 'coloured')).status).toBe(404);
    });

    it('creates with a warning naming the field under --validate=warn, and does not store it', async () => {
      const result = await kubectl.run(['create', '-f', '-', '--validate=warn'], {
        stdin: withColour('warned'),
      });
      expect(result).toMatchObject({ code: 0, stdout: `${FOO_REF}/warned created\n` });
      expect(result.stderr).toBe(`${warnings}Warning: unknown field "spec.colour"\n`);
      expect((await serverGet(namespace, 'warned')).foo.spec).toEqual({ replicas: 1, paused: false });
    });

    it('drops the field silently under --validate=false', async () => {
      const result = await kubectl.run(['create', '-f', '-', '--validate=false'], {
        stdin: withColour('ignored'),
      });
      expect(result).toMatchObject({ code: 0, stdout: `${FOO_REF}/ignored created\n`, stderr: warnings });
      expect((await serverGet(namespace, 'ignored')).foo.spec).toEqual({ replicas: 1, paused: false });
    });

    it('warns about an unknown field in kubectl patch (which sends no fieldValidation) and drops it', async () => {
      await create(namespace, 'patched', { replicas: 1 });
      const result = await kubectl.run([
        'patch',
        version === 'v1' ? 'foo' : `foos.${version}.bar.pwk.educative.io`,
        'patched',
        '-n',
        namespace,
        '--type',
        'merge',
        '-p',
        '{"spec":{"colour":"red"}}',
      ]);
      expect(result).toMatchObject({
        code: 0,
        stderr: `${warnings}Warning: unknown field "spec.colour"\n`,
      });
      expect((await serverGet(namespace, 'patched')).foo.spec).toEqual({ replicas: 1, paused: false });
    });
  });

  describe('finalizers', () => {
    it('keeps a deleted object with a finalizer until the finalizer is patched away', async () => {
      await create('final', 'held', { replicas: 1 }, ['example.com/hold']);
      expect(await kubectl.ok(['delete', 'foo', 'held', '-n', 'final', '--wait=false'])).toBe(
        `${FOO_REF} "held" deleted\n`,
      );

      const deleting = await serverGet('final', 'held');
      expect(deleting.status).toBe(200);
      expect(deleting.foo.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(deleting.foo.metadata.finalizers).toEqual(['example.com/hold']);
      const shown = parseTable(await kubectl.ok(['get', 'foos', '-n', 'final']));
      expect(shown.map((r) => r.NAME)).toEqual(['held']);

      const patch = '[{"op":"remove","path":"/metadata/finalizers"}]';
      expect(await kubectl.ok(['patch', 'foo', 'held', '-n', 'final', '--type', 'json', '-p', patch])).toBe(
        `${FOO_REF}/held patched\n`,
      );
      expect((await serverGet('final', 'held')).status).toBe(404);
    });

    it('refuses to add a finalizer to an object being deleted', async () => {
      await create('final', 'closing', { replicas: 1 }, ['example.com/hold']);
      await kubectl.ok(['delete', 'foo', 'closing', '-n', 'final', '--wait=false']);
      const result = await kubectl.run([
        'patch',
        'foo',
        'closing',
        '-n',
        'final',
        '--type',
        'merge',
        '-p',
        '{"metadata":{"finalizers":["example.com/hold","example.com/late"]}}',
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^The Foo "closing" is invalid: metadata\.finalizers: Forbidden: no new finalizers can be added if the object is being deleted/,
      );
      expect((await serverGet('final', 'closing')).foo.metadata.finalizers).toEqual(['example.com/hold']);
      await kubectl.ok([
        'patch',
        'foo',
        'closing',
        '-n',
        'final',
        '--type',
        'merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ]);
      expect((await serverGet('final', 'closing')).status).toBe(404);
    });
  });

  // One object through a sequence of appliers: these tests run in order.
  describe('server-side apply', () => {
    const applied = (replicas: number) => fooManifest({ name: 'ssa', namespace: 'ssa', spec: { replicas } });

    it('creates on the first apply --server-side and records the field manager', async () => {
      const result = await kubectl.run(['apply', '--server-side', '--field-manager', 'alice', '-f', '-'], {
        stdin: applied(1),
      });
      expect(result).toMatchObject({ code: 0, stdout: `${FOO_REF}/ssa serverside-applied\n` });
      const { foo } = await serverGet('ssa', 'ssa');
      expect(foo.spec).toEqual({ replicas: 1, paused: false });
      expect(foo.metadata.managedFields).toEqual(
        expect.arrayContaining([expect.objectContaining({ manager: 'alice', operation: 'Apply' })]),
      );
    });

    it('lets the same manager change its own field on a second apply', async () => {
      const result = await kubectl.run(['apply', '--server-side', '--field-manager', 'alice', '-f', '-'], {
        stdin: applied(2),
      });
      expect(result).toMatchObject({ code: 0, stdout: `${FOO_REF}/ssa serverside-applied\n` });
      expect((await serverGet('ssa', 'ssa')).foo.spec).toEqual({ replicas: 2, paused: false });
    });

    it('refuses a second manager changing that field with a conflict naming it', async () => {
      const result = await kubectl.run(['apply', '--server-side', '--field-manager', 'bob', '-f', '-'], {
        stdin: applied(3),
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Apply failed with 1 conflict: conflict with "alice"');
      expect(result.stderr).toContain('.spec.replicas');
      expect((await serverGet('ssa', 'ssa')).foo.spec).toEqual({ replicas: 2, paused: false });
    });

    it('takes the field over with --force-conflicts', async () => {
      const result = await kubectl.run(
        ['apply', '--server-side', '--field-manager', 'bob', '--force-conflicts', '-f', '-'],
        { stdin: applied(3) },
      );
      expect(result).toMatchObject({ code: 0, stdout: `${FOO_REF}/ssa serverside-applied\n` });
      const { foo } = await serverGet('ssa', 'ssa');
      expect(foo.spec).toEqual({ replicas: 3, paused: false });
      expect(foo.metadata.managedFields).toEqual(
        expect.arrayContaining([expect.objectContaining({ manager: 'bob', operation: 'Apply' })]),
      );
    });
  });

  describe('subresources', () => {
    it('scales with kubectl scale through /scale', async () => {
      await create('scale', 'scaled', { replicas: 1 });
      expect(await kubectl.ok(['scale', 'foo', 'scaled', '-n', 'scale', '--replicas=3'])).toBe(
        `${FOO_REF}/scaled scaled\n`,
      );
      expect((await serverGet('scale', 'scaled')).foo.spec).toEqual({ replicas: 3, paused: false });
    });

    it('refuses kubectl scale --resource-version with a stale version', async () => {
      await create('scale', 'stale', { replicas: 1 });
      const staleVersion = (await serverGet('scale', 'stale')).foo.metadata.resourceVersion;
      await kubectl.ok([
        'patch',
        'foo',
        'stale',
        '-n',
        'scale',
        '--type',
        'merge',
        '-p',
        '{"spec":{"location":"Bern"}}',
      ]);
      const scale = [
        'scale',
        'foo',
        'stale',
        '-n',
        'scale',
        '--replicas=3',
        `--resource-version=${staleVersion}`,
      ];
      const currentVersion = (await serverGet('scale', 'stale')).foo.metadata.resourceVersion;
      const result = await kubectl.run(scale);
      expect(result.code).toBe(1);
      // kubectl checks the precondition against the Scale it read before writing.
      expect(result.stderr).toBe(
        `error: Expected resource version to be ${staleVersion}, was ${currentVersion}\n`,
      );
      expect((await serverGet('scale', 'stale')).foo.spec).toEqual({
        replicas: 1,
        location: 'Bern',
        paused: false,
      });
    });

    it('patches only status through --subresource=status', async () => {
      await create('status', 'observed', { replicas: 1 });
      const patch = '{"spec":{"replicas":9},"status":{"observedGeneration":1}}';
      await kubectl.ok([
        'patch',
        'foo',
        'observed',
        '-n',
        'status',
        '--subresource=status',
        '--type',
        'merge',
        '-p',
        patch,
      ]);
      const { foo } = await serverGet('status', 'observed');
      expect(foo.status).toEqual({ observedGeneration: 1 });
      expect(foo.spec).toEqual({ replicas: 1, paused: false });
    });
  });
});
