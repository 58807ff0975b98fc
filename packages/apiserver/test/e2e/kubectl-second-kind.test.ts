/**
 * kubectl end-to-end against a kind the server knows only from its definition: the test-only,
 * cluster-scoped Widget (test/support/kinds) installed beside Foo. api-resources, explain, get
 * with the kind's own printer columns, and server-side apply must look as for a CRD.
 */
import { stringify } from 'yaml';
import { TEST_KINDS, WIDGET_FIXTURE as WIDGET } from '../support/kinds/fixtures';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { createKubectl, parseTable, tableHeader } from './kubectl-helpers';
import type { Kubectl } from './kubectl-helpers';

jest.setTimeout(30_000);

type Json = Record<string, unknown>;

const manifest = (name: string, spec: Json): string => stringify(WIDGET.body(name, spec));

describe('kubectl against a second, cluster-scoped kind (Widget)', () => {
  let server: TestServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    server = await startTestServer({ kinds: TEST_KINDS });
    kubectl = createKubectl(server);
  });
  afterAll(() => server.stop());

  const serverGet = async (name: string): Promise<{ status: number; body: Json }> => {
    const res = await server.request('GET', WIDGET.item(name));
    return { status: res.status, body: res.json() };
  };

  it('lists widgets in api-resources as a cluster-scoped Widget with its short name', async () => {
    const rows = parseTable(await kubectl.ok(['api-resources']));
    expect(rows).toContainEqual({
      NAME: 'widgets',
      SHORTNAMES: 'wd',
      APIVERSION: 'example.com/v1alpha1',
      NAMESPACED: 'false',
      KIND: 'Widget',
    });
    // Foo is still there beside it.
    expect(rows.map((r) => r.NAME)).toContain('foos');
  });

  it('explains widget.spec from the OpenAPI v3 document', async () => {
    const out = await kubectl.ok(['explain', 'widget.spec']);
    expect(out).toMatch(/^GROUP:\s+example\.com$/m);
    expect(out).toMatch(/^KIND:\s+Widget$/m);
    expect(out).toMatch(/^VERSION:\s+v1alpha1$/m);
    expect(out).toMatch(/^ {2}colour\t<string>$/m);
    expect(out).toMatch(/^ {2}size\t<integer>$/m);
    expect(out).toContain('What colour the widget is painted.');
  });

  it('creates with apply --server-side, then shows the kind’s own columns in get widgets', async () => {
    const applied = await kubectl.run(['apply', '--server-side', '-f', '-'], {
      stdin: manifest('sprocket', { colour: 'red', size: 3 }),
    });
    expect(applied).toMatchObject({ code: 0, stdout: 'widget.example.com/sprocket serverside-applied\n' });
    const { status, body } = await serverGet('sprocket');
    expect(status).toBe(200);
    expect(body.metadata).not.toHaveProperty('namespace');
    expect(body.spec).toEqual({ colour: 'red', size: 3 });
    const managers = (body.metadata as { managedFields: Json[] }).managedFields;
    expect(managers).toEqual([expect.objectContaining({ manager: 'kubectl', operation: 'Apply' })]);

    const out = await kubectl.ok(['get', 'widgets']);
    expect(tableHeader(out)).toEqual(['NAME', 'COLOUR', 'SIZE', 'CREATED']);
    const [row] = parseTable(out);
    expect(row).toMatchObject({ NAME: 'sprocket', COLOUR: 'red', SIZE: '3' });
    expect(row?.CREATED).toMatch(/^\d+s$/);
    // The priority-1 column appears with -o wide, as kubectl does for a CRD's columns.
    expect(tableHeader(await kubectl.ok(['get', 'wd', '-o', 'wide']))).toEqual([
      'NAME',
      'COLOUR',
      'SIZE',
      'PHASE',
      'CREATED',
    ]);
  });

  it('changes a field with apply --server-side and reports a conflict with another manager', async () => {
    await kubectl.ok(['apply', '--server-side', '-f', '-'], { stdin: manifest('cog', { colour: 'red' }) });
    await kubectl.ok(['apply', '--server-side', '-f', '-'], { stdin: manifest('cog', { colour: 'green' }) });
    expect((await serverGet('cog')).body.spec).toEqual({ colour: 'green', size: 1 });

    const conflict = await kubectl.run(['apply', '--server-side', '--field-manager=other', '-f', '-'], {
      stdin: manifest('cog', { colour: 'blue' }),
    });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('conflict with "kubectl"');
    expect(conflict.stderr).toContain('.spec.colour');
    expect((await serverGet('cog')).body.spec).toEqual({ colour: 'green', size: 1 });
  });

  it('gets one by name, and answers a missing one with NotFound naming widgets.example.com', async () => {
    await kubectl.ok(['apply', '--server-side', '-f', '-'], { stdin: manifest('gear', { colour: 'grey' }) });
    expect(parseTable(await kubectl.ok(['get', 'widget', 'gear']))).toEqual([
      expect.objectContaining({ NAME: 'gear', COLOUR: 'grey', SIZE: '1' }),
    ]);
    const missing = await kubectl.run(['get', 'widget', 'nothing']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): widgets.example.com "nothing" not found\n');
  });
});
