/**
 * Strategic merge patch for Foo (k8s.io/apimachinery/pkg/util/strategicpatch), written here
 * because no npm library implements it. Foo has no merge-keyed lists of its own, so the schema
 * knowledge needed is ObjectMeta's: `finalizers` merge as a set, `ownerReferences` by `uid`;
 * every other list is replaced. Directives: `$patch: replace | delete | merge`,
 * `$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
 */
import { StatusError } from '../errors/status-error';
import { isPlainObject } from './merge-patch';

type Obj = Record<string, unknown>;

/** List fields that merge instead of being replaced: path → merge key ('' = primitive set). */
const MERGE_LISTS: Record<string, string> = {
  'metadata.finalizers': '',
  'metadata.ownerReferences': 'uid',
};

const DELETE_FROM = '$deleteFromPrimitiveList/';
const ELEMENT_ORDER = '$setElementOrder/';

function fail(message: string): never {
  throw StatusError.badRequest(`unable to apply strategic merge patch: ${message}`);
}

function mergeList(path: string, original: unknown, patch: unknown[]): unknown[] {
  const key = MERGE_LISTS[path];
  if (key === undefined) return structuredClone(patch);
  const base = Array.isArray(original) ? structuredClone(original) : [];
  if (key === '') {
    for (const item of patch) if (!base.some((b) => b === item)) base.push(item);
    return base;
  }
  for (const item of patch) {
    if (!isPlainObject(item) || item[key] === undefined)
      fail(`${path}: every element needs the merge key "${key}"`);
    const index = base.findIndex((b) => isPlainObject(b) && b[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) base.splice(index, 1);
      continue;
    }
    if (index >= 0) base[index] = mergeObject(`${path}[]`, base[index], item);
    else base.push(mergeObject(`${path}[]`, undefined, item));
  }
  return base;
}

function mergeObject(path: string, original: unknown, patch: Obj): unknown {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  const { $patch: _p, $retainKeys: retain, ...rest } = patch;
  if (directive === 'replace') return structuredClone(rest);
  if (directive !== undefined && directive !== 'merge')
    fail(`unknown $patch directive ${JSON.stringify(directive)}`);
  const result: Obj = isPlainObject(original) ? { ...original } : {};
  if (retain !== undefined) {
    if (!Array.isArray(retain)) fail('$retainKeys must be a list');
    for (const k of Object.keys(result)) if (!retain.includes(k)) delete result[k];
  }
  for (const [key, value] of Object.entries(rest)) {
    const child = path ? `${path}.${key}` : key;
    if (key.startsWith(ELEMENT_ORDER)) continue; // order of merged lists: ours keep insertion order
    if (key.startsWith(DELETE_FROM)) {
      const field = key.slice(DELETE_FROM.length);
      if (!Array.isArray(value)) fail(`${key} must be a list`);
      const current = result[field];
      if (Array.isArray(current)) result[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      result[key] = mergeList(child, result[key], value);
    } else if (isPlainObject(value)) {
      const merged = mergeObject(child, result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  return result;
}

export function applyStrategicMergePatch(original: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) fail('the patch must be an object');
  return mergeObject('', original, patch);
}
