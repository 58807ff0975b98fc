/**
 * JSON objects as CEL sees them, the way k8s.io/apiserver hands unstructured objects to cel-go:
 * a JSON integer is a CEL `int` (Go decodes it as int64), any other number a `double`, objects
 * are maps and arrays lists. @bufbuild/cel reads every JS number as a double, so integers are
 * turned into bigints here, once per request and object.
 */
import { isCelList, isCelMap, isCelUint } from '@bufbuild/cel';
import type { CelInput, CelValue } from '@bufbuild/cel';

export function toCel(value: unknown): CelInput {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (Array.isArray(value)) return value.map(toCel);
  if (typeof value === 'object') {
    const out: Record<string, CelInput> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = toCel(item);
    return out as CelInput;
  }
  return null;
}

/** A CEL value as JSON-like JS (ints as numbers), for messages and annotations. */
export function fromCel(value: CelValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (isCelUint(value)) return Number(value.value);
  if (isCelList(value)) return [...value].map(fromCel);
  if (isCelMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value.entries()) out[String(isCelUint(key) ? key.value : key)] = fromCel(item);
    return out;
  }
  return value;
}

/** CEL's name for a value's type, for messages. */
export function celTypeName(value: CelValue): string {
  if (value === null) return 'null_type';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'double';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (isCelUint(value)) return 'uint';
  if (isCelList(value)) return 'list';
  if (isCelMap(value)) return 'map';
  return 'object';
}
