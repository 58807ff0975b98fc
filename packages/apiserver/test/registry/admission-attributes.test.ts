/**
 * What the registry tells admission on every kind of write, as k8s.io/apiserver's handlers tell
 * it: operation, kind, resource and subresource (a Scale on foos/scale), the object about to be
 * stored and the stored one, the user and the options — mutating plugins first (their change is
 * kept), validating plugins on the final object, nothing written when one refuses.
 */
import { fooV1beta1OnlyKind } from '../support/kinds/foo-v1beta1-only';
import { admissionChain } from '../../src/admission/attributes';
import type { AdmissionAttributes, AdmissionPlugin } from '../../src/admission/attributes';
import { StatusError } from '../../src/errors/status-error';
import { updateScale } from '../../src/handlers/scale';
import { statusStrategyFor, strategyFor } from '../../src/registry/kind-strategy';
import { RegistryStore } from '../../src/registry/store';
import type { WriteOptions } from '../../src/registry/store';
import type { KubeObject } from '../../src/storage/interface';
import { tempFileStores } from '../storage/temp-file-stores';

const GROUP = 'bar.pwk.educative.io';
const alice = { name: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'] };
const write = (extra: Partial<WriteOptions> = {}): WriteOptions => ({
  dryRun: false,
  fieldValidation: 'Strict',
  fieldManager: 'tests',
  user: alice,
  ...extra,
});
const foo = (name: string, replicas = 1): KubeObject => ({
  apiVersion: `${GROUP}/v1beta1`,
  kind: 'Foo',
  metadata: { name },
  spec: { replicas },
});

describe('admission attributes from the registry', () => {
  const stores = tempFileStores('pwk-admission-');
  let seen: Array<{ phase: 'admit' | 'validate'; attributes: AdmissionAttributes }>;
  let refuse: ((a: AdmissionAttributes) => boolean) | undefined;

  async function registry(extra: AdmissionPlugin[] = []) {
    seen = [];
    refuse = undefined;
    const recorder: AdmissionPlugin = {
      name: 'Recorder',
      async admit(attributes) {
        seen.push({ phase: 'admit', attributes: structuredClone(attributes) });
      },
      async validate(attributes) {
        seen.push({ phase: 'validate', attributes: structuredClone(attributes) });
        if (refuse?.(attributes))
          throw StatusError.forbidden({ group: GROUP, resource: 'foos' }, attributes.name, 'no');
      },
    };
    const storage = await stores.open();
    const admission = admissionChain([...extra, recorder]);
    return {
      main: new RegistryStore(storage, strategyFor(fooV1beta1OnlyKind, fooV1beta1OnlyKind.storageVersion), {
        admission,
      }),
      status: new RegistryStore(
        storage,
        statusStrategyFor(fooV1beta1OnlyKind, fooV1beta1OnlyKind.storageVersion)!,
        { admission },
      ),
    };
  }

  it('tells a create: CREATE, the kind and resource, the user and CreateOptions', async () => {
    const { main } = await registry();
    await main.create('ns', foo('a'), write());
    expect(seen.map((s) => s.phase)).toEqual(['admit', 'validate']);
    const validated = seen[1]!.attributes;
    expect(validated).toMatchObject({
      operation: 'CREATE',
      kind: { group: GROUP, version: 'v1beta1', kind: 'Foo' },
      resource: { group: GROUP, version: 'v1beta1', resource: 'foos' },
      subresource: '',
      namespace: 'ns',
      name: 'a',
      dryRun: false,
      userInfo: alice,
      options: {
        kind: 'CreateOptions',
        apiVersion: 'meta.k8s.io/v1',
        fieldManager: 'tests',
        fieldValidation: 'Strict',
      },
    });
    // Validation sees what will be stored (uid, defaults); mutation saw the object as sent.
    expect(validated.object!.metadata.uid).toEqual(expect.any(String));
    expect(seen[0]!.attributes.object!.metadata.uid).toBeUndefined();
    expect(validated.oldObject).toBeUndefined();
  });

  it('shows only the options the request named (no fieldValidation when none was sent)', async () => {
    const { main } = await registry();
    await main.create('ns', foo('unnamed'), write({ fieldValidation: 'Warn', fieldValidationGiven: false }));
    expect(seen[1]!.attributes.options).toEqual({
      kind: 'CreateOptions',
      apiVersion: 'meta.k8s.io/v1',
      fieldManager: 'tests',
    });
  });

  it('keeps what a mutating plugin changed, and validates the result', async () => {
    const labeller: AdmissionPlugin = {
      name: 'Labeller',
      async admit(attributes) {
        attributes.object!.metadata.labels = { admitted: 'yes' };
      },
    };
    const { main } = await registry([labeller]);
    const { object } = await main.create('ns', foo('labelled'), write());
    expect(object.metadata.labels).toEqual({ admitted: 'yes' });
    expect(seen[1]!.attributes.object!.metadata.labels).toEqual({ admitted: 'yes' });
  });

  it('tells an update the stored object as oldObject, and a patch PatchOptions', async () => {
    const { main } = await registry();
    const created = (await main.create('ns', foo('b'), write())).object;
    seen = [];
    await main.updateWith(
      { namespace: 'ns', name: 'b' },
      (current) => ({ ...current, spec: { replicas: 3 } }),
      { options: write({ optionsKind: 'PatchOptions' }) },
    );
    const validated = seen.find((s) => s.phase === 'validate')!.attributes;
    expect(validated).toMatchObject({ operation: 'UPDATE', name: 'b', options: { kind: 'PatchOptions' } });
    expect(validated.oldObject).toEqual(created);
    expect(validated.object!.spec).toEqual({ replicas: 3 });
  });

  it('names the status subresource', async () => {
    const { main, status } = await registry();
    const created = (await main.create('ns', foo('c'), write())).object;
    seen = [];
    await status.update(
      { namespace: 'ns', name: 'c' },
      { ...created, status: { observedGeneration: 1 } },
      write(),
    );
    expect(seen[1]!.attributes).toMatchObject({
      operation: 'UPDATE',
      subresource: 'status',
      options: { kind: 'UpdateOptions' },
    });
  });

  it('shows a scale write as an autoscaling/v1 Scale on foos/scale', async () => {
    const { main } = await registry();
    await main.create('ns', foo('d', 2), write());
    seen = [];
    await updateScale(main, {
      namespace: 'ns',
      name: 'd',
      body: { spec: { replicas: 7 } },
      options: write(),
    });
    const validated = seen[1]!.attributes;
    expect(validated).toMatchObject({
      operation: 'UPDATE',
      kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      resource: { resource: 'foos' },
      subresource: 'scale',
      object: { kind: 'Scale', spec: { replicas: 7 } },
      oldObject: { kind: 'Scale', spec: { replicas: 2 } },
    });
  });

  it('tells a delete DELETE with the stored object and DeleteOptions', async () => {
    const { main } = await registry();
    const created = (await main.create('ns', foo('e'), write())).object;
    seen = [];
    await main.delete(
      { namespace: 'ns', name: 'e' },
      { dryRun: false, user: alice, propagationPolicy: 'Background' },
    );
    expect(seen.map((s) => s.phase)).toEqual(['admit', 'validate']);
    expect(seen[1]!.attributes).toMatchObject({
      operation: 'DELETE',
      name: 'e',
      oldObject: created,
      userInfo: alice,
      options: { kind: 'DeleteOptions', propagationPolicy: 'Background' },
    });
    expect(seen[1]!.attributes.object).toBeUndefined();
  });

  it('writes nothing when a validating plugin refuses a create, an update or a delete', async () => {
    const { main } = await registry();
    const kept = (await main.create('ns', foo('f'), write())).object;
    refuse = () => true;
    await expect(main.create('ns', foo('g'), write())).rejects.toMatchObject({ code: 403 });
    await expect(main.get('ns', 'g')).rejects.toMatchObject({ code: 'NotFound' });
    await expect(
      main.updateWith({ namespace: 'ns', name: 'f' }, (c) => ({ ...c, spec: { replicas: 9 } }), {
        options: write(),
      }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(main.delete({ namespace: 'ns', name: 'f' }, { dryRun: false })).rejects.toMatchObject({
      code: 403,
    });
    expect(await main.get('ns', 'f')).toEqual(kept);
  });

  it('tells a dry run so, and still refuses it', async () => {
    const { main } = await registry();
    refuse = (a) => a.dryRun;
    await expect(main.create('ns', foo('h'), write({ dryRun: true }))).rejects.toMatchObject({ code: 403 });
    expect(seen[1]!.attributes).toMatchObject({ dryRun: true, options: { dryRun: ['All'] } });
  });
});
