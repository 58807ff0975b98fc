/**
 * The scale subresource of a kind that declares one: an autoscaling/v1 Scale read from the
 * paths of its `subresources.scale` (specReplicasPath, statusReplicasPath, labelSelectorPath),
 * and a desired replica count written back to specReplicasPath — as apiextensions-apiserver's
 * scaleFromCustomResource / scaleUpdatedObjectInfo do. A missing replicas field reads 0; a
 * missing selector is omitted.
 */
import type { ScaleSubresource } from '@pwk/api';
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import type { AdmissionView } from './admission-request';
import { SimpleJsonPath } from './simple-json-path';

export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: Record<string, unknown>;
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

/** A kind's scale subresource: the Scale of an object, and an object with new desired replicas. */
export interface ScaleAccess {
  toScale(obj: KubeObject): Scale;
  /** obj with `replicas` at specReplicasPath (a copy). */
  withReplicas(obj: KubeObject, replicas: number): KubeObject;
  /** How admission sees a write through `<resource>/scale`: the Scale, and a mutated Scale's replicas carried back. */
  readonly admissionView: AdmissionView;
}

/** NestedInt64: absent is 0; anything but a whole number is the server's error (500), as kube's accessor says. */
function replicasAt(path: SimpleJsonPath, obj: KubeObject): number {
  const value = path.read(obj);
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new StatusError(
      500,
      'InternalError',
      `${path.text} accessor error: ${JSON.stringify(value)} is of the type ${Array.isArray(value) ? 'array' : typeof value}, expected int64`,
    );
  }
  return value;
}

/** The scale subresource of a version, or undefined when it declares none (no scale endpoint). */
export function scaleFor(subresource: ScaleSubresource | undefined): ScaleAccess | undefined {
  if (!subresource) return undefined;
  const specReplicas = SimpleJsonPath.parse(subresource.specReplicasPath);
  const statusReplicas = SimpleJsonPath.parse(subresource.statusReplicasPath);
  const labelSelector = subresource.labelSelectorPath
    ? SimpleJsonPath.parse(subresource.labelSelectorPath)
    : undefined;
  const toScale = (obj: KubeObject): Scale => {
    const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
    const selector = labelSelector?.read(obj);
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
      spec: { replicas: replicasAt(specReplicas, obj) },
      status: {
        replicas: replicasAt(statusReplicas, obj),
        ...(typeof selector === 'string' && selector ? { selector } : {}),
      },
    };
  };
  const withReplicas = (obj: KubeObject, replicas: number): KubeObject => specReplicas.write(obj, replicas);
  return {
    toScale,
    withReplicas,
    admissionView: {
      subresource: 'scale',
      kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      toView: (obj) => toScale(obj) as unknown as KubeObject,
      fromView: (view, obj) => withReplicas(obj, replicasFromScale(view, String(obj.metadata.name))),
    },
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
