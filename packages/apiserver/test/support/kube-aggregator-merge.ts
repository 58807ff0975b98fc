/**
 * kube-aggregator's decision when it merges an aggregated server's Swagger 2.0 document into
 * kube-apiserver's, reproduced from kube-openapi pkg/aggregator/aggregator.go (mergeSpecs,
 * deepEqualDefinitionsModuloGVKs, mergedGVKs, renameDefinition): a definition whose name is
 * taken is reused only if it is reflect.DeepEqual to the existing one once both
 * `x-kubernetes-group-version-kind` lists are set aside; otherwise it is renamed `<name>_v2`
 * (`_v3`, … if taken) and every `$ref` to it follows. Reused definitions get the union of both
 * GVK lists, sorted by "group/version.kind".
 * Go compares the unmarshalled spec.Schema structs; comparing the parsed JSON values (key order
 * ignored) is the same test for the schemas here.
 */
import { isDeepStrictEqual } from 'node:util';

type Json = Record<string, unknown>;
export interface SwaggerLike {
  definitions: Record<string, Json>;
  paths: Record<string, unknown>;
}

const GVK = 'x-kubernetes-group-version-kind';
const PREFIX = '#/definitions/';

function withoutGVK(schema: Json): Json {
  const { [GVK]: _ignored, ...rest } = schema;
  return rest;
}

/** Both sides as the aggregator sees them: unmarshalled from JSON (no prototypes, no realms). */
const fromJSON = (schema: Json): unknown => JSON.parse(JSON.stringify(schema));

export function deepEqualModuloGVKs(a: Json, b: Json): boolean {
  return isDeepStrictEqual(fromJSON(withoutGVK(a)), fromJSON(withoutGVK(b)));
}

function renameRefs(node: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => renameRefs(n, renames));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(PREFIX)) {
        const renamed = renames.get(v.slice(PREFIX.length));
        return [k, renamed ? `${PREFIX}${renamed}` : v];
      }
      return [k, renameRefs(v, renames)];
    }),
  );
}

type GVKEntry = { group: string; version: string; kind: string };
const gvkKey = (g: GVKEntry): string => `${g.group}/${g.version}.${g.kind}`;

function mergedGVKs(existing: Json, incoming: Json): GVKEntry[] | undefined {
  const a = existing[GVK] as GVKEntry[] | undefined;
  const b = incoming[GVK] as GVKEntry[] | undefined;
  if (!a) return b;
  if (!b) return a;
  const seen = new Set(a.map(gvkKey));
  const added = b.filter((g) => !seen.has(gvkKey(g)));
  if (added.length === 0) return a;
  return [...a, ...added].sort((x, y) => (gvkKey(x) < gvkKey(y) ? -1 : gvkKey(x) > gvkKey(y) ? 1 : 0));
}

export interface MergeResult {
  merged: SwaggerLike;
  /** Source definition name → the name it was renamed to. */
  renames: Map<string, string>;
}

/** Merges `source` into a copy of `dest`, renaming source definitions as kube-aggregator does. */
export function mergeSpecs(dest: SwaggerLike, source: SwaggerLike): MergeResult {
  const definitions: Record<string, Json> = structuredClone(dest.definitions);
  const used = new Set(Object.keys(definitions));
  const renames = new Map<string, string>();
  for (const [name, schema] of Object.entries(source.definitions)) {
    let existing = definitions[name];
    if (!existing || deepEqualModuloGVKs(existing, schema)) continue;
    let i = 1;
    let newName = name;
    let reused = false;
    while (existing) {
      i++;
      newName = `${name}_v${i}`;
      existing = definitions[newName];
      if (existing && deepEqualModuloGVKs(existing, schema)) {
        reused = true;
        break;
      }
    }
    if (!reused) {
      while (used.has(newName) || newName in source.definitions) newName = `${name}_v${++i}`;
      used.add(newName);
    }
    renames.set(name, newName);
  }
  const renamed = renameRefs(source, renames) as SwaggerLike;
  for (const [name, schema] of Object.entries(renamed.definitions)) {
    const target = renames.get(name) ?? name;
    const existing = definitions[target];
    if (!existing) {
      definitions[target] = schema;
      continue;
    }
    const gvks = mergedGVKs(existing, schema);
    if (gvks) existing[GVK] = gvks;
  }
  return { merged: { definitions, paths: { ...dest.paths, ...renamed.paths } }, renames };
}
