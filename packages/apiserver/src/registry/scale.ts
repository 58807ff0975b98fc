/**
 * The scale subresource's view of a Foo: autoscaling/v1 Scale with spec.replicas from
 * `.spec.replicas` (Foo publishes no status replicas or label selector, so status.replicas is 0
 * and the selector is omitted, as for a CRD without statusReplicasPath/labelSelectorPath).
 */
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import type { AdmissionView } from './admission-request';

export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: Record<string, unknown>;
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

export function toScale(obj: KubeObject): Scale {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const spec = (obj.spec ?? {}) as { replicas?: number };
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: 0 },
  };
}

/** Checks a Scale sent by a client; returns its desired replicas. */
export function replicasFromScale(body: unknown, name: string): number {
  const scale = body as Partial<Scale> | null;
  if (!scale || typeof scale !== 'object') throw StatusError.badRequest('the body must be a Scale object');
  if (scale.kind !== undefined && scale.kind !== 'Scale') {
    throw StatusError.badRequest(
      `the kind in the data (${String(scale.kind)}) does not match the expected kind (Scale)`,
    );
  }
  const metaName = scale.metadata?.name;
  if (metaName !== undefined && metaName !== name) {
    throw StatusError.badRequest(
      `the name of the object (${String(metaName)}) does not match the name on the URL (${name})`,
    );
  }
  const replicas = scale.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw StatusError.invalid({ group: 'autoscaling', kind: 'Scale' }, name, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
      },
    ]);
  }
  return replicas;
}

/** How admission sees a write through foos/scale: the Scale, and a mutated Scale's replicas carried back. */
export const scaleAdmissionView: AdmissionView = {
  subresource: 'scale',
  kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  toView: (obj) => toScale(obj) as unknown as KubeObject,
  fromView: (view, obj) => ({
    ...obj,
    spec: { ...(obj.spec as object), replicas: replicasFromScale(view, String(obj.metadata.name)) },
  }),
};
