/**
 * kubectl end-to-end (issue 4): the real /usr/bin/kubectl against a running pwk apiserver —
 * discovery, OpenAPI (explain), create/apply/get/list/watch/replace/delete and error output —
 * must look exactly as it would for a CRD.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import {
  FOO_REF,
  FOO_VERSIONS,
  HACK_FOO_YAML,
  createKubectl,
  fooManifest,
  kubectlWarnings,
  parseTable,
  tableHeader,
} from './kubectl-helpers';
import type { Kubectl } from './kubectl-helpers';

jest.setTimeout(30_000);

interface FooObject {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name: string; resourceVersion: string };
  spec?: { replicas?: number; location?: string; paused?: boolean };
}

/** Where serverGet reads: v1, the preferred version kubectl reads too (v1beta1 is covered per test). */
const FOOS_PATH = '/apis/bar.pwk.educative.io/v1/namespaces';

describe('kubectl against the pwk apiserver', () => {
  let server: TestServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    server = await startTestServer();
    kubectl = createKubectl(server);
  });
  afterAll(() => server.stop());

  /** Reads a Foo straight from the server, to check what kubectl did rather than what it said. */
  const serverGet = async (namespace: string, name: string): Promise<{ status: number; foo: FooObject }> => {
    const res = await server.request('GET', `${FOOS_PATH}/${namespace}/foos/${name}`);
    return { status: res.status, foo: res.json<FooObject>() };
  };

  /** Creates Foos in a namespace through kubectl (one `create -f -` with a multi-document stream). */
  const seed = async (
    namespace: string,
    foos: Array<{ name: string; labels?: Record<string, string>; replicas?: number }>,
  ) => {
    const docs = foos.map((f) =>
      fooManifest({ name: f.name, namespace, labels: f.labels, spec: { replicas: f.replicas ?? 1 } }),
    );
    await kubectl.ok(['create', '-f', '-'], { stdin: docs.join('---\n') });
  };

  describe('discovery', () => {
    it('lists foos in api-resources as a namespaced Foo of bar.pwk.educative.io/v1 (the preferred version)', async () => {
      const out = await kubectl.ok(['api-resources']);
      expect(tableHeader(out)).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
      expect(out).toMatch(/^foos\s+bar\.pwk\.educative\.io\/v1\s+true\s+Foo\s*$/m);
      expect(parseTable(out)).toContainEqual({
        NAME: 'foos',
        SHORTNAMES: '',
        APIVERSION: 'bar.pwk.educative.io/v1',
        NAMESPACED: 'true',
        KIND: 'Foo',
      });
    });

    it('lists both served group versions in api-versions', async () => {
      const versions = (await kubectl.ok(['api-versions'])).split('\n');
      expect(versions).toEqual(
        expect.arrayContaining(['bar.pwk.educative.io/v1', 'bar.pwk.educative.io/v1beta1']),
      );
    });

    it('explains foo.spec from the OpenAPI v3 document', async () => {
      const out = await kubectl.ok(['explain', 'foo.spec']);
      expect(out).toMatch(/^GROUP:\s+bar\.pwk\.educative\.io$/m);
      expect(out).toMatch(/^KIND:\s+Foo$/m);
      expect(out).toMatch(/^VERSION:\s+v1$/m);
      expect(out).toMatch(/^FIELD: spec <FooSpec>$/m);
      expect(out).toMatch(/^ {2}replicas\t<integer>$/m);
      expect(out).toMatch(/^ {2}location\t<string>$/m);
      expect(out).toMatch(/^ {2}paused\t<boolean>$/m);
      expect(out).toContain('How many replicas of the workload should exist.');
    });

    it('explains the top level of foo with its standard fields', async () => {
      const out = await kubectl.ok(['explain', 'foo']);
      for (const field of [
        'apiVersion\t<string>',
        'kind\t<string>',
        'metadata\t<ObjectMeta>',
        'spec\t<FooSpec>',
      ]) {
        expect(out).toContain(field);
      }
    });
  });

  describe('the seed object hack/foo.yaml (demo-foo; the tests in this block run in order)', () => {
    it('creates it with create -f, as the server stores it', async () => {
      const result = await kubectl.run(['create', '-f', HACK_FOO_YAML]);
      expect(result).toMatchObject({ code: 0, stdout: `${FOO_REF}/demo-foo created\n`, stderr: '' });
      const { status, foo } = await serverGet('default', 'demo-foo');
      expect(status).toBe(200);
      expect(foo.spec).toEqual({ replicas: 51, paused: false });
    });

    it('refuses to create it twice with AlreadyExists', async () => {
      const result = await kubectl.run(['create', '-f', HACK_FOO_YAML]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `Error from server (AlreadyExists): error when creating "${HACK_FOO_YAML}": ` +
          'foos.bar.pwk.educative.io "demo-foo" already exists\n',
      );
    });

    it('shows it in get foos with the columns NAME REPLICAS LOCATION AGE', async () => {
      const out = await kubectl.ok(['get', 'foos']);
      expect(tableHeader(out)).toEqual(['NAME', 'REPLICAS', 'LOCATION', 'AGE']);
      const rows = parseTable(out);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ NAME: 'demo-foo', REPLICAS: '51', LOCATION: '' });
      expect(rows[0]?.AGE).toMatch(/^\d+s$/);
    });

    it('gets it by name as a one-row Table, also with a client request timeout (?timeout=)', async () => {
      const out = await kubectl.ok(['--request-timeout=5s', 'get', 'foo', 'demo-foo']);
      expect(tableHeader(out)).toEqual(['NAME', 'REPLICAS', 'LOCATION', 'AGE']);
      expect(parseTable(out)).toEqual([expect.objectContaining({ NAME: 'demo-foo', REPLICAS: '51' })]);
    });

    it('prints it with get -o yaml, server-set metadata included', async () => {
      const foo = parseYaml(await kubectl.ok(['get', 'foo', 'demo-foo', '-o', 'yaml'])) as FooObject;
      expect(foo).toMatchObject({
        apiVersion: 'bar.pwk.educative.io/v1',
        kind: 'Foo',
        metadata: { name: 'demo-foo', namespace: 'default', generation: 1 },
        spec: { replicas: 51, paused: false },
      });
      expect(foo.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(foo.metadata.resourceVersion).toMatch(/^\d+$/);
      expect(foo.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('prints it with get -o json exactly as the server stores it (managedFields hidden, as kubectl does)', async () => {
      const fromKubectl = JSON.parse(await kubectl.ok(['get', 'foo', 'demo-foo', '-o', 'json'])) as FooObject;
      const { foo } = await serverGet('default', 'demo-foo');
      const { managedFields, ...metadata } = foo.metadata as Record<string, unknown>;
      expect(managedFields).toEqual([
        expect.objectContaining({ manager: 'kubectl-create', operation: 'Update' }),
      ]);
      expect(fromKubectl).toEqual({ ...foo, metadata });
      const shown = JSON.parse(
        await kubectl.ok(['get', 'foo', 'demo-foo', '-o', 'json', '--show-managed-fields']),
      ) as FooObject;
      expect(shown).toEqual(foo);
    });

    it('prints a list with get foos -o json as a List of the items', async () => {
      const list = JSON.parse(await kubectl.ok(['get', 'foos', '-o', 'json'])) as {
        kind: string;
        items: FooObject[];
      };
      expect(list.kind).toBe('List');
      expect(list.items.map((i) => i.metadata.name)).toEqual(['demo-foo']);
    });

    it('refuses replace with a stale resourceVersion with Conflict, and keeps the newer object', async () => {
      const stale = await kubectl.ok(['get', 'foo', 'demo-foo', '-o', 'yaml']);
      await kubectl.ok(['patch', 'foo', 'demo-foo', '--type', 'merge', '-p', '{"spec":{"replicas":52}}']);
      const file = await kubectl.writeManifest('stale.yaml', stale.replace('replicas: 51', 'replicas: 60'));
      const result = await kubectl.run(['replace', '-f', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `Error from server (Conflict): error when replacing "${file}": Operation cannot be fulfilled on ` +
          'foos.bar.pwk.educative.io "demo-foo": the object has been modified; please apply your changes ' +
          'to the latest version and try again\n',
      );
      expect((await serverGet('default', 'demo-foo')).foo.spec).toEqual({ replicas: 52, paused: false });
    });

    it('replaces it with the current resourceVersion', async () => {
      const current = await kubectl.ok(['get', 'foo', 'demo-foo', '-o', 'yaml']);
      const file = await kubectl.writeManifest(
        'current.yaml',
        current.replace('replicas: 52', 'replicas: 53'),
      );
      expect(await kubectl.ok(['replace', '-f', file])).toBe(`${FOO_REF}/demo-foo replaced\n`);
      expect((await serverGet('default', 'demo-foo')).foo.spec).toEqual({ replicas: 53, paused: false });
    });

    it('deletes it with delete -f, after which get answers NotFound', async () => {
      expect(await kubectl.ok(['delete', '-f', HACK_FOO_YAML])).toBe(`${FOO_REF} "demo-foo" deleted\n`);
      const result = await kubectl.run(['get', 'foo', 'demo-foo']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'Error from server (NotFound): foos.bar.pwk.educative.io "demo-foo" not found\n',
      );
      expect((await serverGet('default', 'demo-foo')).status).toBe(404);
    });
  });

  describe('create, apply and delete', () => {
    it('creates an object with apply -f and records the last-applied configuration', async () => {
      const file = await kubectl.writeManifest(
        'applied.yaml',
        fooManifest({ name: 'applied', namespace: 'apply', spec: { replicas: 2, location: 'Paris' } }),
      );
      expect(await kubectl.ok(['apply', '-f', file])).toBe(`${FOO_REF}/applied created\n`);
      const { foo } = await serverGet('apply', 'applied');
      expect(foo.spec).toEqual({ replicas: 2, location: 'Paris', paused: false });
      const annotations = foo.metadata.annotations as Record<string, string>;
      const lastApplied = JSON.parse(
        annotations['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}',
      ) as FooObject;
      expect(lastApplied.spec).toEqual({ replicas: 2, location: 'Paris' });
    });

    it('deletes by name and prints what it deleted', async () => {
      await seed('delete', [{ name: 'doomed' }]);
      expect(await kubectl.ok(['delete', 'foo', 'doomed', '-n', 'delete'])).toBe(
        `${FOO_REF} "doomed" deleted\n`,
      );
      expect((await serverGet('delete', 'doomed')).status).toBe(404);
    });

    it('deletes by label selector only the matching objects', async () => {
      await seed('delete-l', [
        { name: 'a', labels: { doomed: 'drop' } },
        { name: 'b', labels: { doomed: 'keep' } },
      ]);
      expect(await kubectl.ok(['delete', 'foos', '-l', 'doomed=drop', '-n', 'delete-l'])).toBe(
        `${FOO_REF} "a" deleted\n`,
      );
      expect(parseTable(await kubectl.ok(['get', 'foos', '-n', 'delete-l'])).map((r) => r.NAME)).toEqual([
        'b',
      ]);
    });

    it('answers delete of a missing object with NotFound', async () => {
      const result = await kubectl.run(['delete', 'foo', 'ghost', '-n', 'delete']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'Error from server (NotFound): foos.bar.pwk.educative.io "ghost" not found\n',
      );
    });
  });

  describe('lists', () => {
    beforeAll(async () => {
      await seed('lists', [
        { name: 'web-1', labels: { tier: 'web' }, replicas: 1 },
        { name: 'web-2', labels: { tier: 'web' }, replicas: 2 },
        { name: 'db-1', labels: { tier: 'db' }, replicas: 3 },
        { name: 'plain', replicas: 4 },
      ]);
      await seed('lists-other', [{ name: 'elsewhere', replicas: 5 }]);
    });

    const names = (out: string): string[] => parseTable(out).map((r) => r.NAME ?? '');

    it('filters with an equality label selector (get -l)', async () => {
      expect(names(await kubectl.ok(['get', 'foos', '-n', 'lists', '-l', 'tier=web']))).toEqual([
        'web-1',
        'web-2',
      ]);
    });

    it('filters with set-based label selectors', async () => {
      expect(names(await kubectl.ok(['get', 'foos', '-n', 'lists', '-l', 'tier in (db,cache)']))).toEqual([
        'db-1',
      ]);
      expect(names(await kubectl.ok(['get', 'foos', '-n', 'lists', '-l', '!tier']))).toEqual(['plain']);
      expect(names(await kubectl.ok(['get', 'foos', '-n', 'lists', '-l', 'tier,tier!=web']))).toEqual([
        'db-1',
      ]);
    });

    it('says no resources were found when a selector matches nothing', async () => {
      const result = await kubectl.run(['get', 'foos', '-n', 'lists', '-l', 'tier=none']);
      expect(result).toMatchObject({
        code: 0,
        stdout: '',
        stderr: 'No resources found in lists namespace.\n',
      });
    });

    it('filters with a field selector on metadata.name (= and !=)', async () => {
      expect(
        names(await kubectl.ok(['get', 'foos', '-n', 'lists', '--field-selector', 'metadata.name=db-1'])),
      ).toEqual(['db-1']);
      expect(
        names(await kubectl.ok(['get', 'foos', '-n', 'lists', '--field-selector', 'metadata.name!=db-1'])),
      ).toEqual(['plain', 'web-1', 'web-2']);
    });

    it('filters all namespaces with a field selector on metadata.namespace', async () => {
      const rows = parseTable(
        await kubectl.ok(['get', 'foos', '-A', '--field-selector', 'metadata.namespace=lists-other']),
      );
      expect(rows).toEqual([
        expect.objectContaining({ NAMESPACE: 'lists-other', NAME: 'elsewhere', REPLICAS: '5' }),
      ]);
    });

    it('refuses a field selector on an unsupported field with BadRequest naming the field', async () => {
      const result = await kubectl.run(['get', 'foos', '-n', 'lists', '--field-selector', 'spec.replicas=1']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^Error from server \(BadRequest\): .*field label not supported: spec\.replicas\n$/,
      );
    });

    it('pages through the list one object per request with --chunk-size=1, printing one table', async () => {
      const result = await kubectl.run(['get', 'foos', '-n', 'lists', '--chunk-size=1', '-v=6']);
      expect(result.code).toBe(0);
      expect(tableHeader(result.stdout)).toEqual(['NAME', 'REPLICAS', 'LOCATION', 'AGE']);
      expect(names(result.stdout)).toEqual(['db-1', 'plain', 'web-1', 'web-2']);
      const listCalls = result.stderr
        .split('\n')
        .filter((l) => /GET https:\/\/\S+\/namespaces\/lists\/foos\?\S*limit=1\S* 200 OK/.test(l));
      expect(listCalls).toHaveLength(4);
      expect(listCalls.filter((l) => l.includes('continue='))).toHaveLength(3);
    });

    it('lists every namespace with get -A, with a NAMESPACE column', async () => {
      const out = await kubectl.ok(['get', 'foos', '-A']);
      expect(tableHeader(out)).toEqual(['NAMESPACE', 'NAME', 'REPLICAS', 'LOCATION', 'AGE']);
      const rows = parseTable(out).map((r) => `${r.NAMESPACE}/${r.NAME}`);
      expect(rows).toEqual(expect.arrayContaining(['lists/web-1', 'lists/db-1', 'lists-other/elsewhere']));
    });
  });

  describe('watch', () => {
    it('prints ADDED, MODIFIED and DELETED rows with get -w --output-watch-events', async () => {
      await seed('watched', [{ name: 'first', replicas: 1 }]);
      const watch = kubectl.watch(['get', 'foos', '-n', 'watched', '-w', '--output-watch-events']);
      try {
        await watch.waitFor(/^ADDED\s+first\s+1\s/m, 'the existing object');
        await seed('watched', [{ name: 'second', replicas: 3 }]);
        await watch.waitFor(/^ADDED\s+second\s+3\s/m, 'the created object');
        await kubectl.ok([
          'patch',
          'foo',
          'second',
          '-n',
          'watched',
          '--type',
          'merge',
          '-p',
          '{"spec":{"replicas":4}}',
        ]);
        await watch.waitFor(/^MODIFIED\s+second\s+4\s/m, 'the modification');
        await kubectl.ok(['delete', 'foo', 'second', '-n', 'watched']);
        await watch.waitFor(/^DELETED\s+second\s+4\s/m, 'the deletion');
        expect(watch.stdout()).toMatch(/^EVENT\s+NAME\s+REPLICAS\s+LOCATION\s+AGE\n/);
      } finally {
        await watch.stop();
      }
    });

    it('prints a row for each change with plain get -w', async () => {
      const watch = kubectl.watch(['get', 'foos', '-n', 'watched-plain', '-w']);
      try {
        await seed('watched-plain', [{ name: 'w', replicas: 7 }]);
        await watch.waitFor(/^w\s+7\s/m, 'the created object');
        await kubectl.ok([
          'patch',
          'foo',
          'w',
          '-n',
          'watched-plain',
          '--type',
          'merge',
          '-p',
          '{"spec":{"location":"Rome"}}',
        ]);
        await watch.waitFor(/^w\s+7\s+Rome\s/m, 'the modified object');
        await kubectl.ok(['delete', 'foo', 'w', '-n', 'watched-plain']);
        await watch.waitFor(/(^w\s+7\s+Rome\s[^\n]*\n[\s\S]*){2}/m, 'a row for the deletion');
        expect(watch.stdout()).toMatch(/^NAME\s+REPLICAS\s+LOCATION\s+AGE\n/);
      } finally {
        await watch.stop();
      }
    });
  });

  describe.each(FOO_VERSIONS)('invalid objects at %s', (version) => {
    const namespace = `invalid-${version}`;
    const warnings = kubectlWarnings(version);
    const createInvalid = async (name: string, spec: Record<string, unknown>) => {
      const file = await kubectl.writeManifest(
        `${name}.yaml`,
        fooManifest({ name, namespace, spec, version }),
      );
      return kubectl.run(['create', '-f', file]);
    };

    it('refuses a negative replicas with Invalid naming spec.replicas, and stores nothing', async () => {
      const result = await createInvalid('negative', { replicas: -3 });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        warnings +
          'The Foo "negative" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0\n',
      );
      expect((await serverGet(namespace, 'negative')).status).toBe(404);
    });

    it('lists every invalid field when there are several', async () => {
      const result = await createInvalid('several', { replicas: -1, location: 'x'.repeat(257) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('The Foo "several" is invalid: \n');
      expect(result.stderr.startsWith(warnings)).toBe(true);
      expect(result.stderr).toContain(
        '* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
      );
      expect(result.stderr).toContain('* spec.location: Too long: may not be longer than 256');
    });

    it('refuses a wrongly typed field naming it', async () => {
      const result = await createInvalid('typed', { replicas: 'many' });
      expect(result.code).toBe(1);
      // The OpenAPI schema declares replicas an integer, so the message says so (as a CRD's does).
      expect(result.stderr).toBe(
        warnings +
          'The Foo "typed" is invalid: spec.replicas: Invalid value: "many": must be of type integer\n',
      );
      expect((await serverGet(namespace, 'typed')).status).toBe(404);
    });

    it('refuses an invalid name naming metadata.name', async () => {
      const result = await kubectl.run(['create', '-f', '-'], {
        stdin: fooManifest({ name: 'Bad_Name', namespace, spec: { replicas: 1 }, version }),
      });
      expect(result.code).toBe(1);
      expect(result.stderr.startsWith(warnings)).toBe(true);
      expect(result.stderr.slice(warnings.length)).toMatch(
        /^The Foo "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": /,
      );
    });

    it('refuses an update that makes an object invalid, and keeps the old object', async () => {
      await seed(namespace, [{ name: 'valid', replicas: 2 }]);
      const result = await kubectl.run([
        'patch',
        version === 'v1' ? 'foo' : `foos.${version}.bar.pwk.educative.io`,
        'valid',
        '-n',
        namespace,
        '--type',
        'merge',
        '-p',
        '{"spec":{"replicas":-5}}',
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        warnings +
          'The Foo "valid" is invalid: spec.replicas: Invalid value: -5: must be greater than or equal to 0\n',
      );
      expect((await serverGet(namespace, 'valid')).foo.spec).toEqual({ replicas: 2, paused: false });
    });
  });

  describe('everyday read and bulk commands', () => {
    const ns = ['-n', 'everyday'];
    beforeAll(() =>
      seed('everyday', [
        { name: 'five', replicas: 5 },
        { name: 'one', replicas: 1 },
        { name: 'three', replicas: 3 },
      ]),
    );

    it('sorts by a field with --sort-by (kubectl asks for full objects in the Table)', async () => {
      const rows = parseTable(await kubectl.ok(['get', 'foos', ...ns, '--sort-by=.spec.replicas']));
      expect(rows.map((r) => `${r.NAME} ${r.REPLICAS}`)).toEqual(['one 1', 'three 3', 'five 5']);
    });

    it('prints resource/name pairs with -o name', async () => {
      expect(await kubectl.ok(['get', 'foos', ...ns, '-o', 'name'])).toBe(
        ['five', 'one', 'three'].map((n) => `foo.bar.pwk.educative.io/${n}\n`).join(''),
      );
    });

    it('describes a Foo with its metadata and spec', async () => {
      const out = await kubectl.ok(['describe', 'foo', 'three', ...ns]);
      expect(out).toMatch(/^Name:\s+three$/m);
      expect(out).toMatch(/^Namespace:\s+everyday$/m);
      expect(out).toMatch(/^Kind:\s+Foo$/m);
      expect(out).toMatch(/^API Version:\s+bar\.pwk\.educative\.io\/v1$/m);
      expect(out).toMatch(/^Spec:\n\s+Paused:\s+false\n\s+Replicas:\s+3$/m);
    });

    it('waits for a condition on a field with kubectl wait', async () => {
      const out = await kubectl.ok([
        'wait',
        '--for=jsonpath={.spec.replicas}=3',
        'foo/three',
        ...ns,
        '--timeout=10s',
      ]);
      expect(out).toBe('foo.bar.pwk.educative.io/three condition met\n');
    });

    it('deletes every Foo of a namespace with delete --all', async () => {
      const out = await kubectl.ok(['delete', 'foos', '--all', ...ns]);
      expect(out.trim().split('\n')).toEqual(
        ['five', 'one', 'three'].map((n) => `foo.bar.pwk.educative.io "${n}" deleted`),
      );
      for (const name of ['five', 'one', 'three'])
        expect((await serverGet('everyday', name)).status).toBe(404);
    });
  });

  it('uses the repo seed file hack/foo.yaml as described (demo-foo, default, replicas 51)', async () => {
    const seedFoo = parseYaml(await readFile(HACK_FOO_YAML, 'utf8')) as FooObject;
    expect(seedFoo).toMatchObject({
      metadata: { name: 'demo-foo', namespace: 'default' },
      spec: { replicas: 51 },
    });
  });
});
