/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch), written here because no
 * npm library implements it. Which lists merge comes from the schema's list semantics, the
 * facts server-side apply reads too: a `set` list merges as a primitive set
 * (patchStrategy merge), a `map` list by its keys (patchMergeKey; ObjectMeta's `ownerReferences`
 * by `uid`), every other list is replaced. Directives: `$patch: replace | delete | merge`,
 * `$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
 */
import type { SchemaSemantics } from '@pwk/api';
import { StatusError } from '../errors/status-error';
import { isPlainObject } from './merge-patch';
import { childTypePath, itemTypePath } from './type-paths';

type Obj = Record<string, unknown>;

const DELETE_FROM = '$deleteFromPrimitiveList/';
const ELEMENT_ORDER = '$setElementOrder/';

function fail(message: string): never {
  throw StatusError.badRequest(`unable to apply strategic merge patch: ${message}`);
}

function mergeList(s: SchemaSemantics, at: { path: string; original: unknown }, patch: unknown[]): unknown[] {
  const { path } = at;
  const type = s.listTypeAt(path);
  if (type.kind === 'atomic' || (type.kind === 'keyed' && type.keys.length === 0))
    return structuredClone(patch);
  const base = Array.isArray(at.original) ? structuredClone(at.original) : [];
  if (type.kind === 'set') {
    for (const item of patch) if (!base.some((b) => b === item)) base.push(item);
    return base;
  }
  const { keys } = type;
  const sameItem = (a: Obj, b: unknown) => isPlainObject(b) && keys.every((k) => b[k] === a[k]);
  for (const item of patch) {
    if (!isPlainObject(item) || keys.some((k) => item[k] === undefined))
      fail(`${path}: every element needs the merge key${keys.length > 1 ? 's' : ''} "${keys.join('", "')}"`);
    const index = base.findIndex((b) => sameItem(item, b));
    if (item.$patch === 'delete') {
      if (index >= 0) base.splice(index, 1);
      continue;
    }
    const itemAt = { path: itemTypePath(path), original: index >= 0 ? base[index] : undefined };
    if (index >= 0) base[index] = mergeObject(s, itemAt, item);
    else base.push(mergeObject(s, itemAt, item));
  }
  return base;
}

function mergeObject(s: SchemaSemantics, at: { path: string; original: unknown }, patch: Obj): unknown {
  const { path, original } = at;
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
    const child = childTypePath(s, path, key);
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
      result[key] = mergeList(s, { path: child, original: result[key] }, value);
    } else if (isPlainObject(value)) {
      const merged = mergeObject(s, { path: child, original: result[key] }, value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  return result;
}

export function applyStrategicMergePatch(
  original: unknown,
  patch: unknown,
  semantics: SchemaSemantics,
): unknown {
  if (!isPlainObject(patch)) fail('the patch must be an object');
  return mergeObject(semantics, { path: '', original }, patch);
}
