/** The Table kubectl get receives: columns, cells, row objects per includeObject, list metadata. */
import { StatusError } from '../../src/errors/status-error';
import { fooV1beta1OnlyKind } from '../support/kinds/foo-v1beta1-only';
import type { PrinterColumn } from '@pwk/api';
import { parseIncludeObject, tableConverterFor } from '../../src/registry/table';
import type { ColumnDefinition } from '../../src/registry/table-columns';
import type { KubeObjectLike, TableOptions } from '../../src/registry/table';

const NOW = new Date('2026-01-10T12:00:00Z');
const fooTable = tableConverterFor(fooV1beta1OnlyKind.storageVersion);
const options = (extra: Partial<TableOptions> = {}): TableOptions => ({
  includeObject: 'Metadata',
  now: NOW,
  ...extra,
});

const foo = (name: string, extra: Partial<KubeObjectLike> = {}): KubeObjectLike => ({
  apiVersion: 'bar.pwk.educative.io/v1beta1',
  kind: 'Foo',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    resourceVersion: '7',
    creationTimestamp: '2026-01-10T11:55:00Z',
    labels: { app: name },
  },
  spec: { replicas: 3, location: 'eu' },
  ...extra,
});

type Row = { cells: unknown[]; object?: Record<string, unknown> };
const rowsOf = (table: Record<string, unknown>) => table['rows'] as Row[];

describe('fooTable', () => {
  it('renders an empty list as a Table with columns and no rows', () => {
    expect(fooTable([], { resourceVersion: '42' }, options())).toEqual({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '42' },
      columnDefinitions: [
        expect.objectContaining({ name: 'Name', type: 'string', format: 'name', priority: 0 }),
        expect.objectContaining({ name: 'Replicas', type: 'integer', format: '', priority: 0 }),
        expect.objectContaining({ name: 'Location', type: 'string', format: '', priority: 0 }),
        expect.objectContaining({ name: 'Age', type: 'date', format: '', priority: 0 }),
      ],
      rows: [],
    });
  });

  it('describes every column, as kubectl explain-style tooling shows them', () => {
    const columns = fooTable([], {}, options())['columnDefinitions'] as Array<Record<string, unknown>>;
    expect(columns.map((c) => c['description'])).toEqual([
      expect.stringMatching(/^Name must be unique within a namespace\./),
      'Custom resource definition column (in JSONPath format): .spec.replicas',
      'Custom resource definition column (in JSONPath format): .spec.location',
      expect.stringMatching(/^CreationTimestamp is a timestamp/),
    ]);
  });

  it('renders one object as one row of Name, Replicas, Location and Age', () => {
    const rows = rowsOf(fooTable([foo('a')], { resourceVersion: '7' }, options()));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.cells).toEqual(['a', 3, 'eu', '5m']);
  });

  it('renders many objects in order, each with its own age', () => {
    const older = foo('b', { metadata: { name: 'b', creationTimestamp: '2026-01-08T09:00:00Z' } });
    const rows = rowsOf(fooTable([foo('a'), older, foo('c')], {}, options()));
    expect(rows.map((r) => r.cells)).toEqual([
      ['a', 3, 'eu', '5m'],
      ['b', 3, 'eu', '2d3h'],
      ['c', 3, 'eu', '5m'],
    ]);
  });

  describe('cells', () => {
    it('leaves missing spec fields as null cells (kubectl prints <none>)', () => {
      const rows = rowsOf(fooTable([foo('a', { spec: {} }), foo('b', { spec: undefined })], {}, options()));
      expect(rows.map((r) => r.cells)).toEqual([
        ['a', null, null, '5m'],
        ['b', null, null, '5m'],
      ]);
    });

    it('truncates a fractional replicas to an integer, and empties a non-number', () => {
      const rows = rowsOf(
        fooTable(
          [foo('a', { spec: { replicas: 2.9, location: 7 } }), foo('b', { spec: { replicas: '3' } })],
          {},
          options(),
        ),
      );
      expect(rows.map((r) => r.cells)).toEqual([
        ['a', 2, '7', '5m'],
        ['b', null, null, '5m'],
      ]);
    });

    it.each([
      [undefined, '<unknown>'],
      ['', '<unknown>'],
      ['yesterday', '<invalid>'],
      ['2026-01-10', '<invalid>'],
      ['2026-01-10T12:00:05Z', '<invalid>'],
      ['2026-01-10T12:00:01Z', '0s'],
      ['2026-01-10T11:59:59.5Z', '0s'],
      ['2026-01-10T13:00:00+02:00', '60m'],
      ['2025-01-10T12:00:00Z', '365d'],
    ])('renders creationTimestamp %j as Age %j', (creationTimestamp, age) => {
      const obj = foo('a');
      obj.metadata = { name: 'a', creationTimestamp };
      expect(rowsOf(fooTable([obj], {}, options()))[0]?.cells[3]).toBe(age);
    });

    it('renders a missing name as an empty string', () => {
      expect(rowsOf(fooTable([{ metadata: {} }], {}, options()))[0]?.cells).toEqual([
        '',
        null,
        null,
        '<unknown>',
      ]);
    });
  });

  describe('includeObject', () => {
    it('Metadata gives each row a PartialObjectMetadata with the whole metadata', () => {
      const obj = foo('a');
      expect(rowsOf(fooTable([obj], {}, options({ includeObject: 'Metadata' })))[0]?.object).toEqual({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: obj.metadata,
      });
    });

    it('Object gives each row the whole object', () => {
      const obj = foo('a');
      expect(rowsOf(fooTable([obj], {}, options({ includeObject: 'Object' })))[0]?.object).toEqual(obj);
    });

    it('None leaves the object out of each row', () => {
      const row = rowsOf(fooTable([foo('a')], {}, options({ includeObject: 'None' })))[0];
      expect(row).toEqual({ cells: ['a', 3, 'eu', '5m'] });
      expect(row && 'object' in row).toBe(false);
    });
  });

  describe('list metadata', () => {
    it('carries resourceVersion, continue and remainingItemCount (0 included)', () => {
      const table = fooTable([], { resourceVersion: '9', continue: 'tok', remainingItemCount: 0 }, options());
      expect(table['metadata']).toEqual({ resourceVersion: '9', continue: 'tok', remainingItemCount: 0 });
    });

    it('omits empty fields, as Go omitempty does', () => {
      const table = fooTable([], { resourceVersion: '', continue: '' }, options());
      expect(table['metadata']).toEqual({});
    });
  });

  it('omits columnDefinitions with noHeaders (watch events after the first)', () => {
    const table = fooTable([foo('a')], { resourceVersion: '7' }, options({ noHeaders: true }));
    expect('columnDefinitions' in table).toBe(false);
    expect(rowsOf(table)).toHaveLength(1);
  });

  it('answers in meta.k8s.io/v1beta1 when asked, for the Table and its partial objects', () => {
    const table = fooTable([foo('a')], {}, options({ tableVersion: 'v1beta1' }));
    expect(table['apiVersion']).toBe('meta.k8s.io/v1beta1');
    expect(rowsOf(table)[0]?.object?.['apiVersion']).toBe('meta.k8s.io/v1beta1');
  });

  it('hands out column definitions a caller cannot use to corrupt the next table', () => {
    const first = fooTable([], {}, options())['columnDefinitions'] as Array<Record<string, unknown>>;
    if (first[0]) first[0]['name'] = 'Mutated';
    const second = fooTable([], {}, options())['columnDefinitions'] as Array<Record<string, unknown>>;
    expect(second[0]?.['name']).toBe('Name');
  });
});

describe('parseIncludeObject', () => {
  it.each([
    [undefined, 'Metadata'],
    ['', 'Metadata'],
    ['None', 'None'],
    ['Metadata', 'Metadata'],
    ['Object', 'Object'],
  ])('reads %j as %s', (value, expected) => {
    expect(parseIncludeObject(value)).toBe(expected);
  });

  it.each(['Everything', 'object', 'none '])(
    'rejects %j with 400 BadRequest and the k8s message',
    (value) => {
      let caught: unknown;
      try {
        parseIncludeObject(value);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(StatusError);
      expect((caught as StatusError).toStatus()).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message: `Unable to convert to Table as requested: includeObject: Invalid value: "${value}": must be 'Metadata', 'Object', 'None', or empty`,
      });
    },
  );
});

describe('tableConverterFor (a kind version’s printer columns, as a CRD’s)', () => {
  const widget = (extra: Record<string, unknown> = {}): KubeObjectLike => ({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', creationTimestamp: '2026-01-10T11:00:00Z' },
    spec: { size: 2.5, count: 7.9, enabled: true, colour: 'red', tags: ['a'] },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
    ...extra,
  });
  const table = (printerColumns: PrinterColumn[], objects: KubeObjectLike[] = [widget()]) =>
    tableConverterFor({ printerColumns })(objects, {}, options());

  it('serves NAME and the default AGE column when the version lists none (serveDefaultColumnsIfEmpty)', () => {
    const t = table([]);
    expect(
      (t['columnDefinitions'] as ColumnDefinition[]).map((c) => [c.name, c.type, c.description]),
    ).toEqual([
      ['Name', 'string', expect.stringMatching(/^Name must be unique/)],
      ['Age', 'date', expect.stringMatching(/^CreationTimestamp is a timestamp/)],
    ]);
    expect(rowsOf(t)[0]?.cells).toEqual(['w', '60m']);
  });

  it('appends no AGE when columns are listed: a CRD lists it itself', () => {
    const t = table([{ name: 'Colour', type: 'string', jsonPath: '.spec.colour' }]);
    expect((t['columnDefinitions'] as ColumnDefinition[]).map((c) => c.name)).toEqual(['Name', 'Colour']);
    expect(rowsOf(t)[0]?.cells).toEqual(['w', 'red']);
  });

  it('formats each cell by its column type, as cellForJSONValue', () => {
    const t = table([
      { name: 'Count', type: 'integer', jsonPath: '.spec.count' },
      { name: 'Size', type: 'number', jsonPath: '.spec.size' },
      { name: 'Enabled', type: 'boolean', jsonPath: '.spec.enabled' },
      { name: 'Tags', type: 'string', jsonPath: '.spec.tags' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[0].status' },
      { name: 'Created', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
    expect(rowsOf(t)[0]?.cells).toEqual(['w', 7, 2.5, true, '["a"]', 'True', '60m']);
  });

  it('leaves a cell empty when the field is missing or has the wrong type', () => {
    const t = table(
      [
        { name: 'Count', type: 'integer', jsonPath: '.spec.colour' },
        { name: 'Size', type: 'number', jsonPath: '.spec.missing' },
        { name: 'Enabled', type: 'boolean', jsonPath: '.spec.colour' },
        { name: 'Label', type: 'string', jsonPath: ".metadata.labels['app.kubernetes.io/name']" },
      ],
      [widget()],
    );
    expect(rowsOf(t)[0]?.cells).toEqual(['w', null, null, null, null]);
  });

  it('keeps a column’s description, format and priority, and generates the description otherwise', () => {
    const t = table([
      {
        name: 'Colour',
        type: 'string',
        jsonPath: '.spec.colour',
        description: 'the colour',
        format: 'byte',
        priority: 1,
      },
      { name: 'Count', type: 'integer', jsonPath: '.spec.count' },
    ]);
    expect((t['columnDefinitions'] as ColumnDefinition[]).slice(1)).toEqual([
      { name: 'Colour', type: 'string', format: 'byte', description: 'the colour', priority: 1 },
      {
        name: 'Count',
        type: 'integer',
        format: '',
        description: 'Custom resource definition column (in JSONPath format): .spec.count',
        priority: 0,
      },
    ]);
  });

  it('refuses a column whose jsonPath is not a simple path', () => {
    expect(() => table([{ name: 'X', type: 'string', jsonPath: '.spec.items[*].name' }])).toThrow(
      /not a simple JSONPath/,
    );
    expect(() => table([{ name: 'X', type: 'string', jsonPath: 'spec.colour' }])).toThrow(
      /not a simple JSONPath/,
    );
  });

  it('builds one converter per version', () => {
    const version = { printerColumns: [] };
    expect(tableConverterFor(version)).toBe(tableConverterFor(version));
  });
});
