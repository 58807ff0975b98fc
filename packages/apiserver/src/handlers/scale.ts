/**
 * GET/PUT/PATCH on <resource>/{name}/scale, for a kind whose version declares a scale
 * subresource: an autoscaling/v1 Scale view of the object (registry/scale.ts). Writes go through
 * the main resource's update path (defaults, validation, generation), under the Scale's
 * resourceVersion when it carries one — a Scale without one updates unconditionally, as
 * Kubernetes allows.
 */
import type { SchemaSemantics } from '@pwk/api';
import { StatusError } from '../errors/status-error';
import { applyPatch } from '../registry/apply-patch';
import type { PatchType } from '../registry/apply-patch';
import { replicasFromScale, scaleFor } from '../registry/scale';
import type { Scale, ScaleAccess } from '../registry/scale';
import type { RegistryStore, WriteOptions } from '../registry/store';
import type { KubeObject } from '../storage/interface';

export interface ScaleTarget {
  namespace: string;
  name: string;
}

export type ScaleResult = { code: number; scale: Scale; warnings: string[] };

/** A Scale has no merge lists: strategic merge patches replace its lists (it has none). */
const SCALE_SEMANTICS: SchemaSemantics = { listTypeAt: () => ({ kind: 'atomic' }), isMap: () => false };

const accessByStore = new WeakMap<RegistryStore, ScaleAccess | undefined>();

/** The store's scale subresource; 404 when its version declares none (the route does not exist). */
function scaleOf(store: RegistryStore): ScaleAccess {
  if (!accessByStore.has(store)) accessByStore.set(store, scaleFor(store.strategy.subresources.scale));
  const access = accessByStore.get(store);
  if (!access) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  return access;
}

export async function getScale(store: RegistryStore, target: ScaleTarget): Promise<ScaleResult> {
  const scale = scaleOf(store);
  return { code: 200, scale: scale.toScale(await store.get(target.namespace, target.name)), warnings: [] };
}

export async function updateScale(
  store: RegistryStore,
  request: ScaleTarget & { body: unknown; options: WriteOptions },
): Promise<ScaleResult> {
  const scale = scaleOf(store);
  const replicas = replicasFromScale(request.body, request.name);
  const rv =
    (request.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion || undefined;
  const { object, warnings } = await store.updateWith(
    request,
    (current) => scale.withReplicas(current, replicas),
    {
      options: request.options,
      preconditions: rv ? { resourceVersion: rv } : undefined,
      view: scale.admissionView,
    },
  );
  return { code: 200, scale: scale.toScale(object), warnings };
}

export async function patchScale(
  store: RegistryStore,
  request: ScaleTarget & { patch: unknown; type: PatchType; options: WriteOptions },
): Promise<ScaleResult> {
  const scale = scaleOf(store);
  const { patch } = request;
  const rv =
    request.type !== 'json-patch'
      ? (patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion
      : undefined;
  const { object, warnings } = await store.updateWith(
    request,
    (current) => {
      const patched = applyPatch(scale.toScale(current) as unknown as KubeObject, patch, {
        type: request.type,
        semantics: SCALE_SEMANTICS,
      });
      return scale.withReplicas(current, replicasFromScale(patched, request.name));
    },
    {
      options: request.options,
      preconditions: rv ? { resourceVersion: rv } : undefined,
      view: scale.admissionView,
    },
  );
  return { code: 200, scale: scale.toScale(object), warnings };
}
