/**
 * The verify step: lists a resource in both stores and compares them object by object —
 * counts, and every object's content apart from resourceVersion (which the target re-issued).
 */
import type { KubeObject, Storage } from '../interface';
import { jsonEqual } from '../json-equal';
import { objectId } from '../keys';
import type { ResourceRef } from './copy-objects';
import { pagesOf, resourceName, withoutResourceVersion } from './copy-objects';

export interface VerifiedResource {
  resource: string;
  sourceCount: number;
  targetCount: number;
  /** `namespace/name` of objects only in the source, only in the target, or different (at most 20 each). */
  missing: string[];
  extra: string[];
  different: string[];
  identical: boolean;
}

const SHOWN = 20;

async function contentOf(store: Storage, ref: ResourceRef): Promise<Map<string, KubeObject>> {
  const objects = new Map<string, KubeObject>();
  for await (const page of pagesOf(store, ref, 1000)) {
    for (const obj of page.items) {
      objects.set(
        objectId(obj.metadata.namespace ?? '', obj.metadata.name ?? ''),
        withoutResourceVersion(obj),
      );
    }
  }
  return objects;
}

export async function verifyCopy(options: {
  source: Storage;
  target: Storage;
  resources: ResourceRef[];
}): Promise<VerifiedResource[]> {
  const results: VerifiedResource[] = [];
  for (const ref of options.resources) {
    const [source, target] = await Promise.all([
      contentOf(options.source, ref),
      contentOf(options.target, ref),
    ]);
    const missing: string[] = [];
    const different: string[] = [];
    for (const [id, obj] of source) {
      const copy = target.get(id);
      if (!copy) missing.push(id);
      else if (!jsonEqual(obj, copy)) different.push(id);
    }
    const extra = [...target.keys()].filter((id) => !source.has(id));
    results.push({
      resource: resourceName(ref),
      sourceCount: source.size,
      targetCount: target.size,
      missing: missing.slice(0, SHOWN),
      extra: extra.slice(0, SHOWN),
      different: different.slice(0, SHOWN),
      identical: missing.length === 0 && extra.length === 0 && different.length === 0,
    });
  }
  return results;
}
