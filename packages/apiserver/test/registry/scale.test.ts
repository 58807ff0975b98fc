/** The scale subresource read from and written to a kind's ScaleSubresource paths. */
import { StatusError } from '../../src/errors/status-error';
import { scaleFor } from '../../src/registry/scale';
import type { KubeObject } from '../../src/storage/interface';

const obj = (extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: {
    name: 'w',
    namespace: 'ns',
    uid: 'u',
    resourceVersion: '4',
    creationTimestamp: 'T',
    labels: {},
  },
  ...extra,
});

describe('scaleFor', () => {
  it('has no scale when the version declares none', () => {
    expect(scaleFor(undefined)).toBeUndefined();
  });

  it('reads spec and status replicas and the label selector from their paths', () => {
    const scale = scaleFor({
      specReplicasPath: '.spec.workers.count',
      statusReplicasPath: '.status.workers',
      labelSelectorPath: '.status.selector',
    })!;
    expect(
      scale.toScale(obj({ spec: { workers: { count: 3 } }, status: { workers: 2, selector: 'app=w' } })),
    ).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'w', namespace: 'ns', uid: 'u', resourceVersion: '4', creationTimestamp: 'T' },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=w' },
    });
  });

  it('reads missing replicas as 0 and omits a missing selector', () => {
    const scale = scaleFor({
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    })!;
    const s = scale.toScale(obj());
    expect(s.spec).toEqual({ replicas: 0 });
    expect(s.status).toEqual({ replicas: 0 });
  });

  it('answers 500 when a replicas path holds something that is not a whole number', () => {
    const scale = scaleFor({ specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' })!;
    let caught: unknown;
    try {
      scale.toScale(obj({ spec: { replicas: 'three' } }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StatusError);
    expect((caught as StatusError).toStatus()).toMatchObject({
      code: 500,
      message: '.spec.replicas accessor error: "three" is of the type string, expected int64',
    });
  });

  it('writes desired replicas at specReplicasPath, creating the maps on the way, without changing the input', () => {
    const scale = scaleFor({ specReplicasPath: '.spec.workers.count', statusReplicasPath: '.status.n' })!;
    const before = obj({ spec: { other: true } });
    const after = scale.withReplicas(before, 5);
    expect(after.spec).toEqual({ other: true, workers: { count: 5 } });
    expect(before.spec).toEqual({ other: true });
  });

  it('shows admission the Scale and folds a mutated Scale’s replicas back into the object', () => {
    const scale = scaleFor({ specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' })!;
    const current = obj({ spec: { replicas: 1, colour: 'red' } });
    const view = scale.admissionView.toView(current);
    expect(view).toMatchObject({ kind: 'Scale', spec: { replicas: 1 } });
    const mutated = { ...view, spec: { replicas: 4 } };
    expect(scale.admissionView.fromView(mutated, current).spec).toEqual({ replicas: 4, colour: 'red' });
  });

  it('refuses a path that is not a simple JSONPath when the scale is made', () => {
    expect(() =>
      scaleFor({ specReplicasPath: 'spec.replicas', statusReplicasPath: '.status.replicas' }),
    ).toThrow(/not a simple JSONPath/);
  });
});
