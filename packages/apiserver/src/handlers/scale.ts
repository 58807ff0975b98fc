/**
 * GET/PUT/PATCH on foos/{name}/scale: a Scale view of spec.replicas. Writes go through the main
 * resource's update path (defaults, validation, generation), under the Scale's resourceVersion
 * when it carries one — a Scale without one updates unconditionally, as Kubernetes allows.
 */
import { applyPatch } from '../registry/apply-patch';
import type { PatchType } from '../registry/apply-patch';
import { replicasFromScale, scaleAdmissionView, toScale } from '../registry/scale';
import type { RegistryStore, WriteOptions } from '../registry/store';
import type { KubeObject } from '../storage/interface';

export interface ScaleTarget {
  namespace: string;
  name: string;
}

export type ScaleResult = { code: number; scale: ReturnType<typeof toScale>; warnings: string[] };

export async function getScale(store: RegistryStore, target: ScaleTarget): Promise<ScaleResult> {
  return { code: 200, scale: toScale(await store.get(target.namespace, target.name)), warnings: [] };
}

export async function updateScale(
  store: RegistryStore,
  request: ScaleTarget & { body: unknown; options: WriteOptions },
): Promise<ScaleResult> {
  const replicas = replicasFromScale(request.body, request.name);
  const rv =
    (request.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion || undefined;
  const { object, warnings } = await store.updateWith(
    request,
    (current) => ({ ...current, spec: { ...(current.spec as object), replicas } }),
    {
      options: request.options,
      preconditions: rv ? { resourceVersion: rv } : undefined,
      view: scaleAdmissionView,
    },
  );
  return { code: 200, scale: toScale(object), warnings };
}

export async function patchScale(
  store: RegistryStore,
  request: ScaleTarget & { patch: unknown; type: PatchType; options: WriteOptions },
): Promise<ScaleResult> {
  const { patch } = request;
  const rv =
    request.type !== 'json-patch'
      ? (patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion
      : undefined;
  const { object, warnings } = await store.updateWith(
    request,
    (current) => {
      const scale = applyPatch(toScale(current) as unknown as KubeObject, patch, request.type);
      return {
        ...current,
        spec: { ...(current.spec as object), replicas: replicasFromScale(scale, request.name) },
      };
    },
    {
      options: request.options,
      preconditions: rv ? { resourceVersion: rv } : undefined,
      view: scaleAdmissionView,
    },
  );
  return { code: 200, scale: toScale(object), warnings };
}
