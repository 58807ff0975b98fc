/**
 * List and map semantics read from a schema's `.meta()` — `x-kubernetes-list-type` (`atomic`,
 * `set`, `map`) with `x-kubernetes-list-map-keys`, and `x-kubernetes-map-type` (`granular`,
 * `atomic`), as a CRD's structural schema states them — so
 * that strategic merge, server-side apply and validation read them from the one place the
 * OpenAPI document also shows them. Positions are type paths: field names joined by '.', `[]`
 * for list items, `*` for map values (`status.conditions[].type`, `metadata.labels.*`).
 */
import { z } from 'zod';
import type { ListType, SchemaSemantics } from './kind-definition';
import { WRAPPERS } from './schema-shape';
import type { ZodDef, ZodNode } from './schema-shape';

const ATOMIC: ListType = { kind: 'atomic' };

/** A schema position: its definition under the wrappers, and the `.meta()` of every layer. */
export interface Position {
  def: ZodDef;
  meta: Record<string, unknown>;
}

export function position(node: ZodNode): Position {
  let meta: Record<string, unknown> = {};
  let current = node;
  for (;;) {
    // Outer layers were written last, so their metadata wins over the inner ones'.
    meta = { ...(z.globalRegistry.get(current as unknown as z.ZodType) ?? {}), ...meta };
    const def = current._zod.def;
    const inner = WRAPPERS.has(def.type) ? def.innerType : def.type === 'pipe' ? def.in : undefined;
    if (!inner) return { def, meta };
    current = inner;
  }
}

/** `status.conditions[].type` → ['status', 'conditions', '[]', 'type']. */
function steps(typePath: string): string[] {
  const out: string[] = [];
  for (const segment of typePath.split('.')) {
    const name = segment.replace(/(\[\])+$/, '');
    if (name) out.push(name);
    for (let rest = segment.slice(name.length); rest.startsWith('[]'); rest = rest.slice(2)) out.push('[]');
  }
  return out;
}

/** The schema at a position inside `def`, one step down; undefined past the schema's known shape. */
export function childOf(def: ZodDef, step: string): ZodNode | undefined {
  if (step === '[]') return def.type === 'array' ? def.element : undefined;
  if (def.type === 'record') return step === '*' ? def.valueType : undefined;
  return def.type === 'object' ? def.shape?.[step] : undefined;
}

export function listTypeOf(pos: Position | undefined): ListType {
  if (!pos || pos.def.type !== 'array') return ATOMIC;
  const type = pos.meta['x-kubernetes-list-type'];
  if (type === 'set') return { kind: 'set' };
  if (type === 'map') {
    const keys = pos.meta['x-kubernetes-list-map-keys'];
    return { kind: 'keyed', keys: Array.isArray(keys) ? keys.map(String) : [] };
  }
  return ATOMIC;
}

/**
 * The semantics of `schema`, each type path resolved once and remembered (SSA asks per field).
 * Only positions the schema has are remembered — they are finite — so paths made up by a request
 * cannot grow the cache.
 */
export function schemaSemantics(schema: z.ZodType): SchemaSemantics {
  const positions = new Map<string, Position>();
  const at = (typePath: string): Position | undefined => {
    const known = positions.get(typePath);
    if (known) return known;
    let pos: Position | undefined = position(schema as unknown as ZodNode);
    for (const step of steps(typePath)) {
      const child: ZodNode | undefined = pos && childOf(pos.def, step);
      pos = child ? position(child) : undefined;
      if (!pos) break;
    }
    if (pos) positions.set(typePath, pos);
    return pos;
  };
  return {
    listTypeAt: (typePath) => listTypeOf(at(typePath)),
    isMap: (typePath) => at(typePath)?.def.type === 'record',
    mapTypeAt: (typePath) =>
      at(typePath)?.meta['x-kubernetes-map-type'] === 'atomic' ? 'atomic' : 'granular',
  };
}
