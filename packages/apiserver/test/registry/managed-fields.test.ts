import { StatusError } from '../../src/errors/status-error';
import { applyConfiguration } from '../../src/registry/apply-configuration';
import type { ApplyOptions } from '../../src/registry/apply-configuration';
import { defaultManagerName, resetFieldsFor } from '../../src/registry/managed-fields';
import type { ManagedFieldsEntry } from '../../src/registry/managed-fields';
import { recordUpdate } from '../../src/registry/update-tracking';
import type { RecordUpdateOptions } from '../../src/registry/update-tracking';
import { FOO_API_VERSION, fooManagedKind } from './test-kinds';
import type { KubeObject } from '../../src/storage/interface';

const T0 = new Date('2026-01-02T03:04:05.678Z');
const T1 = new Date('2026-01-02T04:00:00Z');
const T2 = new Date('2026-01-02T05:00:00Z');

const foo = (extra: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: FOO_API_VERSION,
  kind: 'Foo',
  metadata: { name: 'demo', namespace: 'default', uid: 'uid-1', resourceVersion: '7', ...meta },
  ...extra,
});

const config = (
  extra: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): Record<string, unknown> => ({
  apiVersion: FOO_API_VERSION,
  kind: 'Foo',
  metadata: { name: 'demo', ...meta },
  ...extra,
});

const apply = (opts: Partial<ApplyOptions> & Pick<ApplyOptions, 'applied' | 'manager'>) =>
  applyConfiguration({ live: undefined, force: false, now: T0, kind: fooManagedKind, ...opts });
const record = (opts: Omit<RecordUpdateOptions, 'kind'>) => recordUpdate({ kind: fooManagedKind, ...opts });

const entries = (obj: KubeObject): ManagedFieldsEntry[] =>
  (obj.metadata.managedFields ?? []) as ManagedFieldsEntry[];
const entryOf = (obj: KubeObject, manager: string) => entries(obj).find((e) => e.manager === manager);

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('defaultManagerName', () => {
  it('is the program name of the user agent, as Kubernetes records it', () => {
    expect(defaultManagerName('kubectl-client-side-apply/v1.32.0 (linux/amd64) kubernetes/abc')).toBe(
      'kubectl-client-side-apply',
    );
    expect(defaultManagerName('kubectl-edit/v1.32.0')).toBe('kubectl-edit');
    expect(defaultManagerName('curl')).toBe('curl');
    expect(defaultManagerName(undefined)).toBe('');
  });

  it('drops unprintable characters and stops at 128 bytes', () => {
    expect(defaultManagerName('a\u0000b\tc/1')).toBe('abc');
    expect(defaultManagerName('x'.repeat(200))).toBe('x'.repeat(128));
  });
});

describe('recordUpdate (non-apply writes)', () => {
  const created = () =>
    record({
      live: undefined,
      next: foo(
        { spec: { replicas: 1 }, status: { observedGeneration: 1 } },
        { labels: { app: 'demo' }, generation: 1 },
      ),
      manager: 'kubectl-create',
      now: T0,
    });

  it('records a create as an Update entry in the Kubernetes format', () => {
    expect(entries(created())).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: FOO_API_VERSION,
        time: '2026-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': { '.': {}, 'f:replicas': {} },
        },
      },
    ]);
  });

  it('moves the fields an update changed to its manager, leaving the rest with their owner', () => {
    const live = created();
    const edited = record({
      live,
      next: { ...live, spec: { replicas: 3 } },
      manager: 'kubectl-edit',
      now: T1,
    });
    expect(edited.spec).toEqual({ replicas: 3 });
    expect(entries(edited).map((e) => [e.manager, e.time, e.fieldsV1])).toEqual([
      [
        'kubectl-create',
        '2026-01-02T03:04:05Z',
        { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': {} },
      ],
      ['kubectl-edit', '2026-01-02T04:00:00Z', { 'f:spec': { 'f:replicas': {} } }],
    ]);
  });

  it('merges repeated updates by one manager into one entry and drops emptied entries', () => {
    const live = created();
    const first = record({ live, next: { ...live, spec: { replicas: 3 } }, manager: 'ctl', now: T1 });
    const second = record({
      live: first,
      next: {
        ...first,
        metadata: { ...first.metadata, labels: { app: 'other' } },
        spec: { replicas: 3, location: 'LA' },
      },
      manager: 'ctl',
      now: T2,
    });
    const removed = record({
      live: second,
      next: { ...second, spec: { location: 'LA' } },
      manager: 'ctl',
      now: T2,
    });
    expect(entries(second).map((e) => e.manager)).toEqual(['kubectl-create', 'ctl']);
    expect(entryOf(second, 'ctl')?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:location': {}, 'f:replicas': {} },
    });
    expect(entryOf(removed, 'ctl')?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:location': {} },
    });
  });

  it('adds no entry and keeps times when a write changes no tracked field', () => {
    const live = created();
    const next = { ...live, metadata: { ...live.metadata, resourceVersion: '8', generation: 2 } };
    const same = record({ live, next, manager: 'someone-else', now: T1 });
    expect(entries(same)).toEqual(entries(live));
  });

  it('records an empty manager as "unknown" and an update through a subresource with its name', () => {
    const live = created();
    const viaStatus = record({
      live,
      next: { ...live, spec: { replicas: 9 }, status: { observedGeneration: 2 } },
      manager: '',
      now: T1,
      subresource: 'status',
    });
    expect(entryOf(viaStatus, 'unknown')).toEqual({
      manager: 'unknown',
      operation: 'Update',
      apiVersion: FOO_API_VERSION,
      time: '2026-01-02T04:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:observedGeneration': {} } },
      subresource: 'status',
    });
  });

  it('never attributes status through the main resource (it is reset there)', () => {
    const live = created();
    const next = { ...live, status: { observedGeneration: 5 } };
    expect(entries(record({ live, next, manager: 'x', now: T1 }))).toEqual(entries(live));
    expect(resetFieldsFor(undefined).toFieldsV1()).toEqual({ 'f:status': {} });
    expect(resetFieldsFor('status').toFieldsV1()).toEqual({ 'f:spec': {} });
    expect(resetFieldsFor('scale').isEmpty()).toBe(true);
  });

  it('takes managedFields a client wrote, and clears them when it sends [] or [{}]', () => {
    const live = created();
    const custom: ManagedFieldsEntry[] = [
      {
        manager: 'mine',
        operation: 'Update',
        apiVersion: FOO_API_VERSION,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ];
    const rewritten = record({
      live,
      next: foo({ spec: { replicas: 1 } }, { labels: { app: 'demo' }, managedFields: custom }),
      manager: 'x',
      now: T1,
    });
    expect(entries(rewritten)).toEqual(custom);
    for (const reset of [[], [{}]]) {
      const cleared = record({
        live,
        next: { ...live, metadata: { ...live.metadata, managedFields: reset } },
        manager: 'x',
        now: T1,
      });
      expect(cleared.metadata.managedFields).toBeUndefined();
    }
  });

  it('keeps the live entries when the client sends broken ones, and drops unreadable live entries', () => {
    const live = created();
    const broken = {
      ...live,
      metadata: { ...live.metadata, managedFields: [{ manager: 'x', operation: 'Patch' }] },
    };
    expect(entries(record({ live, next: broken, manager: 'x', now: T1 }))).toEqual(entries(live));
    const unreadable = {
      ...live,
      metadata: {
        ...live.metadata,
        managedFields: [{ manager: 'x', operation: 'Update', apiVersion: 'v', fieldsType: 'FieldsV2' }],
      },
    };
    expect(
      record({ live: unreadable, next: unreadable, manager: 'x', now: T1 }).metadata.managedFields,
    ).toBeUndefined();
  });

  it('leaves an object nobody tracks untracked', () => {
    const live = foo({ spec: { replicas: 1 } });
    expect(
      record({ live, next: foo({ spec: { replicas: 2 } }), manager: 'x', now: T1 }).metadata.managedFields,
    ).toBeUndefined();
  });

  it('drops managedFields rather than failing when the object cannot be walked', () => {
    const next = foo({}, { ownerReferences: [{ name: 'no-uid' }] });
    expect(record({ live: undefined, next, manager: 'x', now: T0 }).metadata.managedFields).toBeUndefined();
  });

  it('keeps at most ten Update entries, folding the oldest into ancient-changes', () => {
    let obj = created();
    for (let i = 0; i < 11; i++) {
      const labels = { ...(obj.metadata.labels ?? {}), [`k${i}`]: 'v' };
      obj = record({
        live: obj,
        next: { ...obj, metadata: { ...obj.metadata, labels } },
        manager: `m${i}`,
        now: new Date(T1.getTime() + i * 1000),
      });
    }
    const names = entries(obj).map((e) => e.manager);
    expect(names).toHaveLength(10);
    expect(names).not.toContain('kubectl-create');
    expect(names).not.toContain('m0');
    expect(names).not.toContain('m1');
    expect(names[0]).toBe('ancient-changes');
    // Twelve updaters: the oldest (kubectl-create) becomes the bucket, then m0 and m1 fold into it.
    expect(entryOf(obj, 'ancient-changes')).toMatchObject({
      time: '2026-01-02T04:00:01Z',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:k0': {}, 'f:k1': {} } },
        'f:spec': { '.': {}, 'f:replicas': {} },
      },
    });
  });
});

describe('applyConfiguration (server-side apply)', () => {
  const createdByA = () =>
    apply({
      applied: config({ spec: { replicas: 2, location: 'LA' } }, { labels: { app: 'demo' } }),
      manager: 'a',
    }).object;

  it('creates on apply and records an Apply entry in the Kubernetes format', () => {
    const { object, managedFields } = apply({
      applied: config({ spec: { replicas: 2 } }, { labels: { app: 'demo' } }),
      manager: 'a',
      name: 'demo',
      namespace: 'default',
    });
    expect(object).toEqual({
      apiVersion: FOO_API_VERSION,
      kind: 'Foo',
      metadata: { name: 'demo', labels: { app: 'demo' }, managedFields },
      spec: { replicas: 2 },
    });
    expect(managedFields).toEqual([
      {
        manager: 'a',
        operation: 'Apply',
        apiVersion: FOO_API_VERSION,
        time: '2026-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } },
      },
    ]);
  });

  it('refuses a value another applier owns with 409 Conflict naming the field', () => {
    const err = thrown(() =>
      apply({ live: createdByA(), applied: config({ spec: { replicas: 5 } }), manager: 'b' }),
    );
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "a": .spec.replicas');
    expect(err.details).toEqual({
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' }],
    });
  });

  it('names an Update owner with its apiVersion, and a subresource owner with the subresource', () => {
    const live = createdByA();
    const edited = record({
      live,
      next: { ...live, spec: { replicas: 3, location: 'LA' } },
      manager: 'mgr',
      now: T1,
    });
    expect(
      thrown(() => apply({ live: edited, applied: config({ spec: { replicas: 4 } }), manager: 'b' })).message,
    ).toBe(`Apply failed with 1 conflict: conflict with "mgr" using ${FOO_API_VERSION}: .spec.replicas`);
    const status = record({
      live,
      next: { ...live, status: { observedGeneration: 1 } },
      manager: 'ctrl',
      now: T1,
      subresource: 'status',
    });
    const err = thrown(() =>
      apply({
        live: status,
        applied: config({ status: { observedGeneration: 2 } }),
        manager: 'b',
        subresource: 'status',
      }),
    );
    expect(err.message).toBe(
      `Apply failed with 1 conflict: conflict with "ctrl" with subresource "status" using ${FOO_API_VERSION}: .status.observedGeneration`,
    );
  });

  it('lists several conflicts grouped by manager', () => {
    const live = createdByA();
    const withB = apply({ live, applied: config({}, { finalizers: ['pwk/x'] }), manager: 'b' }).object;
    const err = thrown(() =>
      apply({
        live: withB,
        applied: config(
          { spec: { replicas: 9, location: 'NY' } },
          { labels: { app: 'other' }, finalizers: ['pwk/y'] },
        ),
        manager: 'c',
      }),
    );
    expect(err.message).toBe(
      'Apply failed with 3 conflicts: conflicts with "a":\n- .metadata.labels.app\n- .spec.location\n- .spec.replicas',
    );
    expect(err.details?.causes?.map((c) => c.field)).toEqual([
      '.metadata.labels.app',
      '.spec.location',
      '.spec.replicas',
    ]);
    const sub = apply({
      live: createdByA(),
      applied: config({ status: { observedGeneration: 1 } }),
      manager: 's',
      subresource: 'status',
    }).object;
    const updater = record({
      live: sub,
      next: { ...sub, spec: { replicas: 2, location: 'SF' } },
      manager: 'u',
      now: T1,
    });
    expect(
      thrown(() =>
        apply({ live: updater, applied: config({ spec: { replicas: 7, location: 'NY' } }), manager: 'c' }),
      ).message,
    ).toBe(
      `Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\nconflicts with "u" using ${FOO_API_VERSION}:\n- .spec.location`,
    );
  });

  it('shares ownership without conflict when the value is the same', () => {
    const { object } = apply({
      live: createdByA(),
      applied: config({ spec: { replicas: 2 } }),
      manager: 'b',
      now: T1,
    });
    expect(entryOf(object, 'a')?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:location': {}, 'f:replicas': {} },
    });
    expect(entryOf(object, 'b')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });

  it('with force takes the field from its owner', () => {
    const { object } = apply({
      live: createdByA(),
      applied: config({ spec: { replicas: 5 } }),
      manager: 'b',
      force: true,
      now: T1,
    });
    expect(object.spec).toEqual({ replicas: 5, location: 'LA' });
    expect(entryOf(object, 'a')?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:location': {} },
    });
    expect(entryOf(object, 'b')).toMatchObject({
      operation: 'Apply',
      time: '2026-01-02T04:00:00Z',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
  });

  it('removes a field the applier stopped applying when nobody else owns it', () => {
    const { object } = apply({
      live: createdByA(),
      applied: config({ spec: { replicas: 2 } }),
      manager: 'a',
      now: T1,
    });
    expect(object.spec).toEqual({ replicas: 2 });
    expect(object.metadata.labels).toBeUndefined();
    expect(entryOf(object, 'a')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });

  it('keeps a dropped field another manager also owns', () => {
    const shared = apply({
      live: createdByA(),
      applied: config({ spec: { location: 'LA' } }),
      manager: 'b',
      now: T1,
    }).object;
    const { object } = apply({
      live: shared,
      applied: config({ spec: { replicas: 2 } }, { labels: { app: 'demo' } }),
      manager: 'a',
      now: T2,
    });
    expect(object.spec).toEqual({ replicas: 2, location: 'LA' });
    expect(entryOf(object, 'b')?.fieldsV1).toEqual({ 'f:spec': { 'f:location': {} } });
  });

  it('keeps a dropped field an updater changed since', () => {
    const live = createdByA();
    const edited = record({
      live,
      next: { ...live, spec: { replicas: 2, location: 'SF' } },
      manager: 'kubectl-edit',
      now: T1,
    });
    const { object } = apply({
      live: edited,
      applied: config({ spec: { replicas: 2 } }, { labels: { app: 'demo' } }),
      manager: 'a',
      now: T2,
    });
    expect(object.spec).toEqual({ replicas: 2, location: 'SF' });
  });

  it('merges label maps and keeps labels others set', () => {
    const live = record({
      live: undefined,
      next: foo({}, { labels: { team: 'x' } }),
      manager: 'kubectl-create',
      now: T0,
    });
    const { object } = apply({
      live,
      applied: config({}, { labels: { app: 'demo' } }),
      manager: 'a',
      now: T1,
    });
    expect(object.metadata.labels).toEqual({ team: 'x', app: 'demo' });
  });

  it('merges finalizers as a set and removes the ones the applier dropped', () => {
    const live = record({
      live: undefined,
      next: foo({}, { finalizers: ['ctrl/a'] }),
      manager: 'ctrl',
      now: T0,
    });
    const first = apply({
      live,
      applied: config({}, { finalizers: ['pwk/b', 'ctrl/a'] }),
      manager: 'a',
      now: T1,
    }).object;
    expect(first.metadata.finalizers).toEqual(['pwk/b', 'ctrl/a']);
    expect(entryOf(first, 'a')?.fieldsV1).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"ctrl/a"': {}, 'v:"pwk/b"': {} } },
    });
    const second = apply({
      live: first,
      applied: config({}, { finalizers: ['pwk/c'] }),
      manager: 'a',
      now: T2,
    }).object;
    expect(second.metadata.finalizers).toEqual(['ctrl/a', 'pwk/c']);
  });

  it('merges ownerReferences by uid', () => {
    const ref = (uid: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid });
    const live = record({
      live: undefined,
      next: foo({}, { ownerReferences: [ref('u1', 'one')] }),
      manager: 'ctrl',
      now: T0,
    });
    const { object } = apply({
      live,
      applied: config({}, { ownerReferences: [ref('u2', 'two')] }),
      manager: 'a',
      now: T1,
    });
    expect(object.metadata.ownerReferences).toEqual([ref('u1', 'one'), ref('u2', 'two')]);
    expect(entryOf(object, 'a')?.fieldsV1).toEqual({
      'f:metadata': {
        'f:ownerReferences': {
          'k:{"uid":"u2"}': {},
        },
      },
    });
    const err = thrown(() =>
      apply({ live: object, applied: config({}, { ownerReferences: [ref('u1', 'renamed')] }), manager: 'b' }),
    );
    expect(err.message).toBe(
      `Apply failed with 1 conflict: conflict with "ctrl" using ${FOO_API_VERSION}: .metadata.ownerReferences[uid="u1"]`,
    );
  });

  it('owns and replaces an atomic struct whole (an OwnerReference), as kube does', () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'one', uid: 'u1' };
    const live = record({
      live: undefined,
      next: foo({}, { ownerReferences: [{ ...ref, controller: true }] }),
      manager: 'ctrl',
      now: T0,
    });
    expect(entryOf(live, 'ctrl')?.fieldsV1).toMatchObject({
      'f:metadata': { 'f:ownerReferences': { 'k:{"uid":"u1"}': {} } },
    });
    const { object } = apply({
      live,
      applied: config({}, { ownerReferences: [ref] }),
      manager: 'a',
      force: true,
    });
    // Granular, controller: true would survive the merge; atomic, the applied item replaces it.
    expect(object.metadata.ownerReferences).toEqual([ref]);
    // The item went to the applier; the list itself stays its creator's.
    expect(entryOf(object, 'ctrl')?.fieldsV1).toEqual({ 'f:metadata': { 'f:ownerReferences': {} } });
  });

  it('replaces atomic lists whole', () => {
    const first = apply({ applied: config({ spec: { items: [1, 2] } }), manager: 'a' }).object;
    const { object } = apply({
      live: first,
      applied: config({ spec: { items: [3] } }),
      manager: 'a',
      now: T1,
    });
    expect(object.spec).toEqual({ items: [3] });
    expect(entryOf(object, 'a')?.fieldsV1).toEqual({ 'f:spec': { 'f:items': {} } });
  });

  it('merges status conditions by type through the status subresource', () => {
    const cond = (type: string, status: string) => ({
      type,
      status,
      lastTransitionTime: '2026-01-02T00:00:00Z',
      reason: 'R',
      message: '',
    });
    const live = apply({
      live: createdByA(),
      applied: config({ status: { conditions: [cond('Ready', 'False')] } }),
      manager: 'ctrl',
      subresource: 'status',
      now: T1,
    }).object;
    const { object } = apply({
      live,
      applied: config({ status: { conditions: [cond('Synced', 'True')] } }),
      manager: 'other',
      subresource: 'status',
      now: T2,
    });
    expect((object.status as { conditions: unknown[] }).conditions).toEqual([
      cond('Ready', 'False'),
      cond('Synced', 'True'),
    ]);
    expect(entryOf(object, 'other')).toMatchObject({
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Synced"}': { '.': {} } } } },
    });
  });

  it('does not give the applier status through the main resource', () => {
    const { object } = apply({
      applied: config({ spec: { replicas: 1 }, status: { observedGeneration: 3 } }),
      manager: 'a',
    });
    expect(entryOf(object, 'a')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });

  it('attributes fields written before any tracking to before-first-apply', () => {
    const untracked = foo({ spec: { replicas: 1 } });
    expect(
      thrown(() =>
        apply({ live: untracked, applied: config({ spec: { replicas: 2 } }), manager: 'a', now: T1 }),
      ).message,
    ).toBe(
      `Apply failed with 1 conflict: conflict with "before-first-apply" using ${FOO_API_VERSION}: .spec.replicas`,
    );
    const { object } = apply({
      live: untracked,
      applied: config({ spec: { replicas: 1, location: 'LA' } }),
      manager: 'a',
      now: T1,
    });
    expect(entries(object).map((e) => [e.manager, e.operation])).toEqual([
      ['a', 'Apply'],
      ['before-first-apply', 'Update'],
    ]);
  });

  it('leaves the entry time alone when an apply changes nothing', () => {
    const live = createdByA();
    const again = apply({
      live,
      applied: config({ spec: { replicas: 2, location: 'LA' } }, { labels: { app: 'demo' } }),
      manager: 'a',
      now: T2,
    });
    expect(again.object).toEqual(live);
  });

  it('stores applied nulls as absent fields, owned by the applier', () => {
    const { object } = apply({
      live: createdByA(),
      applied: config({ spec: { replicas: null } }, { labels: { app: 'demo' } }),
      manager: 'a',
      now: T1,
    });
    expect(object.spec).toEqual({});
    expect(entryOf(object, 'a')?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:replicas': {} },
    });
  });

  describe('rejects', () => {
    it.each([
      [
        'a missing field manager',
        { manager: '' },
        422,
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      ],
      [
        'a body that is not an object',
        { applied: [1] },
        400,
        'error decoding YAML: the applied configuration must be an object',
      ],
      [
        'another kind',
        { applied: { ...config(), kind: 'Bar' } },
        400,
        'invalid object type: bar.pwk.educative.io/v1beta1, Kind=Bar',
      ],
      [
        'another version',
        { applied: { ...config(), apiVersion: 'v1' } },
        400,
        'invalid object type: /v1, Kind=Foo',
      ],
      [
        'a missing apiVersion and kind',
        { applied: { metadata: { name: 'demo' } } },
        400,
        'invalid object type: /, Kind=',
      ],
      [
        'metadata that is not an object',
        { applied: { ...config(), metadata: 'x' } },
        400,
        'error decoding YAML: metadata must be an object',
      ],
      [
        'managedFields in the configuration',
        { applied: config({}, { managedFields: [] }) },
        400,
        'metadata.managedFields must be nil',
      ],
      [
        'a missing name',
        { applied: { ...config(), metadata: {} }, name: 'demo' },
        400,
        'the name of the object (demo based on URL) was undeterminable: name must be provided',
      ],
      [
        'a name that differs from the URL',
        { applied: config(), name: 'other' },
        400,
        'the name of the object (demo) does not match the name on the URL (other)',
      ],
      [
        'a namespace that differs from the URL',
        { applied: config({}, { namespace: 'x' }), namespace: 'default' },
        400,
        'the namespace of the object (x) does not match the namespace on the URL (default)',
      ],
      [
        'an owner reference without uid',
        { applied: config({}, { ownerReferences: [{ name: 'x' }] }) },
        500,
        'failed to create typed patch object: .metadata.ownerReferences: associative list with keys has an element that omits key field "uid"',
      ],
      [
        'unreadable live managedFields',
        { applied: config(), live: foo({}, { managedFields: [{ operation: 'Update' }] }) },
        500,
        'failed to decode managed fields: apiVersion must not be empty',
      ],
    ])('%s', (_what, overrides, code, message) => {
      const err = thrown(() =>
        apply({ applied: config(), manager: 'a', ...(overrides as Partial<ApplyOptions>) }),
      );
      expect([err.code, err.message]).toEqual([code, message]);
    });
  });
});
