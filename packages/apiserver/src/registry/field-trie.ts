/**
 * The trie a FieldSet is made of: one node per encoded path element, `member` when the path to
 * it is in the set; the set algebra (union, difference, intersection) and the `fieldsV1` codec
 * work on it.
 */
import { FieldPathError, compareElements, decodeElement, isPlainObject } from './field-path';
import type { FieldsV1 } from './field-path';

export interface Node {
  member: boolean;
  children: Map<string, Node>;
}

export const newNode = (): Node => ({ member: false, children: new Map() });
export const nodeEmpty = (n: Node): boolean => !n.member && n.children.size === 0;

export function insertEncoded(root: Node, path: readonly string[]): void {
  if (path.length === 0) return;
  let node = root;
  for (const pe of path) {
    let child = node.children.get(pe);
    if (!child) node.children.set(pe, (child = newNode()));
    node = child;
  }
  node.member = true;
}

type Combine = (a: Node | undefined, b: Node | undefined) => Node | undefined;

export const union: Combine = (a, b) => {
  if (!a || !b) return a ?? b;
  const out: Node = { member: a.member || b.member, children: new Map(a.children) };
  for (const [pe, child] of b.children) out.children.set(pe, union(out.children.get(pe), child)!);
  return out;
};

export const difference: Combine = (a, b) => {
  if (!a || !b) return a;
  const out: Node = { member: a.member && !b.member, children: new Map() };
  for (const [pe, child] of a.children) {
    const d = difference(child, b.children.get(pe));
    if (d && !nodeEmpty(d)) out.children.set(pe, d);
  }
  return out;
};

export const recursiveDifference: Combine = (a, b) => {
  if (!a || !b) return a;
  const out: Node = { member: a.member && !b.member, children: new Map() };
  for (const [pe, child] of a.children) {
    if (b.children.get(pe)?.member) continue;
    const d = recursiveDifference(child, b.children.get(pe));
    if (d && !nodeEmpty(d)) out.children.set(pe, d);
  }
  return out;
};

export const intersection: Combine = (a, b) => {
  if (!a || !b) return undefined;
  const out: Node = { member: a.member && b.member, children: new Map() };
  for (const [pe, child] of a.children) {
    const i = intersection(child, b.children.get(pe));
    if (i && !nodeEmpty(i)) out.children.set(pe, i);
  }
  return out;
};

export function sortedChildren(node: Node): [string, Node][] {
  return [...node.children.entries()].sort(([a], [b]) => compareElements(decodeElement(a), decodeElement(b)));
}

export function encodeChildren(node: Node): FieldsV1 {
  const out: FieldsV1 = {};
  for (const [pe, child] of sortedChildren(node)) {
    const inner = encodeChildren(child);
    // A path that is itself owned and also has owned children carries the `.` marker.
    out[pe] = child.member && child.children.size > 0 ? { '.': {}, ...inner } : inner;
  }
  return out;
}

export function decodeNode(fields: Record<string, unknown>): Node {
  const node = newNode();
  for (const [key, value] of Object.entries(fields)) {
    if (key === '.') continue;
    decodeElement(key);
    if (!isPlainObject(value))
      throw new FieldPathError(`fieldsV1 entry ${JSON.stringify(key)} is not an object`);
    const child = decodeNode(value);
    const entries = Object.keys(value);
    child.member = entries.length === 0 || entries.includes('.');
    node.children.set(key, child);
  }
  return node;
}
