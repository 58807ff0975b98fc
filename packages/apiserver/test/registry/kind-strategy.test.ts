/**
 * Strategies from a kind definition, run through the generic store on real file storage: a
 * cluster-scoped kind, with and without a status subresource, behaves as a CRD does.
 */
import { StatusError } from '../../src/errors/status-error';
import { statusStrategyFor, strategyFor } from '../../src/registry/kind-strategy';
import { RegistryStore } from '../../src/registry/store';
import type { WriteOptions } from '../../src/registry/store';
import type { KubeObject } from '../../src/storage/interface';
import { tempFileStores } from '../storage/temp-file-stores';
import { widgets } from './test-kinds';

const write: WriteOptions = { dryRun: false, fieldValidation: 'Strict', fieldManager: 'tests' };
const widget = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'example.com/v1alpha1',
  kind: 'Widget',
  metadata: { name },
  ...extra,
});

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return err as StatusError;
  }
  throw new Error('expected a StatusError');
}

describe('strategyFor / statusStrategyFor', () => {
  const stores = tempFileStores('pwk-kind-strategy-');

  it('takes names, scope, columns, subresources and semantics from the definition', () => {
    const { kind, version } = widgets({
      printerColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
      selectableFields: [{ jsonPath: '.spec.colour' }],
    });
    const strategy = strategyFor(kind, version);
    expect(strategy).toMatchObject({
      group: 'example.com',
      version: 'v1alpha1',
      kind: 'Widget',
      listKind: 'WidgetList',
      resource: 'widgets',
      namespaced: false,
      printerColumns: version.printerColumns,
      selectableFields: version.selectableFields,
      subresources: {},
      semantics: version.semantics,
    });
    expect(strategyFor(kind, version)).toBe(strategy);
  });

  it('has no status strategy without a status subresource', () => {
    const { kind, version } = widgets();
    expect(statusStrategyFor(kind, version)).toBeUndefined();
  });

  describe('without a status subresource (status is part of the object)', () => {
    it('stores status on create and update, and a status change is a new generation', async () => {
      const { kind, version } = widgets();
      const store = new RegistryStore(await stores.open(), strategyFor(kind, version));
      const created = await store.create('', widget('w', { status: { phase: 'new' } }), write);
      expect(created.object.status).toEqual({ phase: 'new' });
      expect(created.object.spec).toEqual({ size: 1 });
      expect(created.object.metadata.namespace).toBeUndefined();
      const updated = await store.updateWith(
        { namespace: '', name: 'w' },
        (current) => ({ ...current, status: { phase: 'old' } }),
        { options: write },
      );
      expect(updated.object.status).toEqual({ phase: 'old' });
      expect(updated.object.metadata.generation).toBe(2);
    });

    it('lets the main resource own status in server-side apply', async () => {
      const { kind, version } = widgets();
      const store = new RegistryStore(await stores.open(), strategyFor(kind, version));
      const applied = await store.apply(
        { namespace: '', name: 'w' },
        widget('w', { spec: { size: 2 }, status: { phase: 'up' } }),
        { options: write, force: false },
      );
      expect(applied.created).toBe(true);
      const entry = (applied.object.metadata.managedFields as Array<Record<string, unknown>>)[0]!;
      expect(entry).toMatchObject({
        manager: 'tests',
        operation: 'Apply',
        apiVersion: 'example.com/v1alpha1',
      });
      expect(entry.fieldsV1).toMatchObject({ 'f:status': { 'f:phase': {} }, 'f:spec': { 'f:size': {} } });
    });
  });

  describe('with a status subresource', () => {
    it('drops status on create, keeps the stored status on update, and writes only status through /status', async () => {
      const { kind, version } = widgets({ subresources: { status: {} } });
      const storage = await stores.open();
      const main = new RegistryStore(storage, strategyFor(kind, version));
      const status = new RegistryStore(storage, statusStrategyFor(kind, version)!);
      const created = await main.create(
        '',
        widget('w', { spec: { size: 2 }, status: { phase: 'x' } }),
        write,
      );
      expect(created.object.status).toBeUndefined();
      const viaStatus = await status.updateWith(
        { namespace: '', name: 'w' },
        (current) => ({ ...current, spec: { size: 9 }, status: { phase: 'up' } }),
        { options: write },
      );
      expect(viaStatus.object.spec).toEqual({ size: 2 });
      expect(viaStatus.object.status).toEqual({ phase: 'up' });
      expect(viaStatus.object.metadata.generation).toBe(1);
      const viaMain = await main.updateWith(
        { namespace: '', name: 'w' },
        (current) => ({ ...current, spec: { size: 3 }, status: { phase: 'down' } }),
        { options: write },
      );
      expect(viaMain.object.status).toEqual({ phase: 'up' });
      expect(viaMain.object.metadata.generation).toBe(2);
    });

    it('never creates through /status', () => {
      const { kind, version } = widgets({ subresources: { status: {} } });
      expect(() => statusStrategyFor(kind, version)!.prepareForCreate(widget('w'))).toThrow(
        'the status subresource cannot create objects',
      );
    });
  });

  it('validates and prunes with the version’s schema', async () => {
    const { kind, version } = widgets();
    const store = new RegistryStore(await stores.open(), strategyFor(kind, version));
    await expect(store.create('', widget('w', { spec: { size: -1 } }), write)).rejects.toMatchObject({
      code: 422,
    });
    await expect(store.create('', widget('w', { colour: 'red' }), write)).rejects.toMatchObject({
      code: 400,
      message: 'strict decoding error: unknown field "colour"',
    });
    const pruned = await store.create('', widget('w', { colour: 'red' }), {
      ...write,
      fieldValidation: 'Ignore',
    });
    expect(pruned.object).not.toHaveProperty('colour');
  });

  it('drops a cluster-scoped object’s namespace, as rest.BeforeCreate does', async () => {
    const { kind, version } = widgets();
    const store = new RegistryStore(await stores.open(), strategyFor(kind, version));
    const created = await store.create(
      '',
      { ...widget('w'), metadata: { name: 'w', namespace: 'x' } },
      write,
    );
    expect(created.object.metadata.namespace).toBeUndefined();
    expect((await store.get('', 'w')).metadata.name).toBe('w');
  });

  it('refuses a body of another kind or version with the decoder’s words', () => {
    const { kind, version } = widgets();
    const store = new RegistryStore(undefined as never, strategyFor(kind, version));
    expect(thrown(() => store.checkTypeMeta({ ...widget('w'), apiVersion: 'example.com/v2' })).message).toBe(
      'the API version in the data (example.com/v2) does not match the expected API version (example.com/v1alpha1)',
    );
  });
});
