/**
 * One kind served at two versions by two registry stores over one storage (Foo v1 stored,
 * v1beta1 served beside it): each store validates and answers in its own version, both see the
 * same objects, managedFields record the apiVersion each manager wrote in, and server-side
 * apply finds conflicts across versions, as kube-apiserver does for a CRD.
 */
import { fooKind } from '@pwk/api';
import { strategyFor } from '../../src/registry/kind-strategy';
import { RegistryStore } from '../../src/registry/store';
import type { WriteOptions } from '../../src/registry/store';
import { versionedStorage } from '../../src/storage/versioned-storage';
import { tempFileStores } from '../storage/temp-file-stores';

const GROUP = 'bar.pwk.educative.io';
const write = (fieldManager: string): WriteOptions => ({
  dryRun: false,
  fieldValidation: 'Strict',
  fieldManager,
});
const foo = (version: string, spec: Record<string, unknown>) => ({
  apiVersion: `${GROUP}/${version}`,
  kind: 'Foo',
  metadata: { name: 'demo', namespace: 'ns' },
  spec,
});

describe('a kind served at two versions', () => {
  const stores = tempFileStores('pwk-versioned-store-');

  async function servedStores() {
    const storage = await stores.open();
    const storeOf = (version: string) =>
      new RegistryStore(
        versionedStorage(storage, { kind: fooKind, version }),
        strategyFor(fooKind, fooKind.version(version)!),
      );
    return { v1: storeOf('v1'), v1beta1: storeOf('v1beta1') };
  }

  it('validates each body against its own version and shares the objects', async () => {
    const { v1, v1beta1 } = await servedStores();
    await expect(
      v1beta1.create('ns', foo('v1beta1', { replicas: 1, paused: true }), write('a')),
    ).rejects.toMatchObject({
      code: 400,
      message: 'strict decoding error: unknown field "spec.paused"',
    });
    await v1.create('ns', foo('v1', { replicas: 1, paused: true }), write('a'));
    const seen = await v1beta1.get('ns', 'demo');
    expect(seen.apiVersion).toBe(`${GROUP}/v1beta1`);
    expect(seen.spec).toEqual({ replicas: 1 });
    expect(() => v1.checkTypeMeta(seen)).toThrow('does not match the expected API version');
  });

  it('records the apiVersion each manager wrote in', async () => {
    const { v1, v1beta1 } = await servedStores();
    await v1beta1.create('ns', foo('v1beta1', { replicas: 1 }), write('old-client'));
    await v1.updateWith(
      { namespace: 'ns', name: 'demo' },
      (current) => ({ ...current, spec: { ...(current.spec as object), paused: true } }),
      { options: write('new-client') },
    );
    const entries = (await v1.get('ns', 'demo')).metadata.managedFields as Array<Record<string, unknown>>;
    const byManager = new Map(entries.map((e) => [e.manager, e]));
    expect(entries).toHaveLength(2);
    expect(byManager.get('old-client')?.apiVersion).toBe(`${GROUP}/v1beta1`);
    expect(byManager.get('new-client')?.apiVersion).toBe(`${GROUP}/v1`);
    expect(byManager.get('new-client')?.fieldsV1).toEqual({ 'f:spec': { 'f:paused': {} } });
  });

  it('finds an apply conflict with a manager of the other version', async () => {
    const { v1, v1beta1 } = await servedStores();
    await v1beta1.apply({ namespace: 'ns', name: 'demo' }, foo('v1beta1', { replicas: 2 }), {
      options: write('beta-applier'),
      force: false,
    });
    await expect(
      v1.apply({ namespace: 'ns', name: 'demo' }, foo('v1', { replicas: 3 }), {
        options: write('v1-applier'),
        force: false,
      }),
    ).rejects.toMatchObject({
      code: 409,
      message: 'Apply failed with 1 conflict: conflict with "beta-applier": .spec.replicas',
    });
  });
});
