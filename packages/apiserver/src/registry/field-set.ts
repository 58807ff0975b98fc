/**
 * Sets of field paths, as sigs.k8s.io/structured-merge-diff keeps them for server-side apply:
 * built from an object (ToFieldSet), from the difference of two objects (Compare), combined
 * (union, difference, intersection), and encoded to / decoded from the `fieldsV1` wire form
 * (`{"f:spec":{".":{},"f:replicas":{}}}`). The walkers carry Foo's schema knowledge: which
 * objects are maps, which lists merge as sets or by key; everything else is a struct or an
 * atomic list.
 */

export type Scalar = string | number | boolean | null;

/** One step of a path: a struct field or map key, a keyed-list item, a set-list item, an index. */
export type PathElement =
  | { readonly field: string }
  | { readonly key: Readonly<Record<string, Scalar>> }
  | { readonly value: Scalar }
  | { readonly index: number };

export type FieldPath = readonly PathElement[];

/** The `fieldsV1` JSON of a managedFields entry. */
export type FieldsV1 = { [pathElement: string]: FieldsV1 };

/** What the walkers know of a position in the object (Kubernetes' schema.Map/List relationships). */
export type ListType = { kind: 'atomic' } | { kind: 'set' } | { kind: 'keyed'; keys: readonly string[] };

const MAP_TYPES = new Set(['metadata.labels', 'metadata.annotations']);
const LIST_TYPES: ReadonlyMap<string, ListType> = new Map<string, ListType>([
  ['metadata.finalizers', { kind: 'set' }],
  ['metadata.ownerReferences', { kind: 'keyed', keys: ['uid'] }],
  ['status.conditions', { kind: 'keyed', keys: ['type'] }],
]);
const ATOMIC: ListType = { kind: 'atomic' };

/** Type paths name schema positions: field names joined by '.', `[]` for list items, `*` for map values. */
export const childTypePath = (typePath: string, key: string): string =>
  MAP_TYPES.has(typePath) ? `${typePath}.*` : typePath ? `${typePath}.${key}` : key;
export const itemTypePath = (typePath: string): string => `${typePath}[]`;
export const isMapType = (typePath: string): boolean => MAP_TYPES.has(typePath);
export const listTypeAt = (typePath: string): ListType => LIST_TYPES.get(typePath) ?? ATOMIC;

/** Malformed fieldsV1, or a list item that has no path element (a keyed item without its key). */
export class FieldPathError extends Error {
  override readonly name = 'FieldPathError';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const isScalar = (value: unknown): value is Scalar =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** The path element naming `item` in a set-list or keyed list at `typePath`. */
export function listItemElement(typePath: string, item: unknown): PathElement {
  const type = listTypeAt(typePath);
  if (type.kind === 'set') {
    if (!isScalar(item)) throw new FieldPathError(`.${typePath}: set list items must be scalars`);
    return { value: item };
  }
  if (type.kind === 'keyed' && isPlainObject(item)) {
    const key: Record<string, Scalar> = {};
    for (const name of [...type.keys].sort()) {
      const v = item[name];
      if (v === undefined || !isScalar(v)) {
        throw new FieldPathError(
          `.${typePath}: associative list with keys has an element that omits key field "${name}"`,
        );
      }
      key[name] = v;
    }
    return { key };
  }
  throw new FieldPathError(`.${typePath}: list items need a key`);
}

export function encodeElement(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) return `k:${JSON.stringify(pe.key)}`;
  if ('value' in pe) return `v:${JSON.stringify(pe.value)}`;
  return `i:${pe.index}`;
}

export function decodeElement(encoded: string): PathElement {
  const tag = encoded.slice(0, 2);
  const rest = encoded.slice(2);
  try {
    if (tag === 'f:') return { field: rest };
    if (tag === 'i:' && /^\d+$/.test(rest)) return { index: Number(rest) };
    if (tag === 'v:') {
      const value: unknown = JSON.parse(rest);
      if (isScalar(value)) return { value };
    }
    if (tag === 'k:') {
      const key: unknown = JSON.parse(rest);
      if (isPlainObject(key) && Object.values(key).every(isScalar)) {
        return { key: key as Record<string, Scalar> };
      }
    }
  } catch {
    // fall through: the JSON after the tag is malformed
  }
  throw new FieldPathError(`invalid path element ${JSON.stringify(encoded)} in fieldsV1`);
}

/** Go's %q for the scalars that appear in keys (JSON quoting is the same for what we store). */
const scalarToString = (v: Scalar): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Path.String() of structured-merge-diff: `.spec.replicas`, `.metadata.finalizers[="x"]`. */
export function formatPath(path: FieldPath): string {
  return path
    .map((pe) => {
      if ('field' in pe) return `.${pe.field}`;
      if ('key' in pe) {
        const parts = Object.entries(pe.key).map(([k, v]) => `${k}=${scalarToString(v)}`);
        return `[${parts.join(',')}]`;
      }
      if ('value' in pe) return `[=${scalarToString(pe.value)}]`;
      return `[${pe.index}]`;
    })
    .join('');
}

// Kubernetes orders path elements field < key < value < index, then by content.
const rank = (pe: PathElement): number => ('field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3);
const compareScalars = (a: Scalar, b: Scalar): number => {
  if (typeof a === typeof b && a !== null && b !== null) return a < b ? -1 : a > b ? 1 : 0;
  return String(typeof a).localeCompare(String(typeof b));
};
function compareElements(a: PathElement, b: PathElement): number {
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if ('field' in a && 'field' in b) return a.field < b.field ? -1 : a.field > b.field ? 1 : 0;
  if ('key' in a && 'key' in b) {
    const ea = Object.entries(a.key);
    const eb = Object.entries(b.key);
    if (ea.length !== eb.length) return ea.length - eb.length;
    for (let i = 0; i < ea.length; i++) {
      const [na, va] = ea[i]!;
      const [nb, vb] = eb[i]!;
      if (na !== nb) return na < nb ? -1 : 1;
      const c = compareScalars(va, vb);
      if (c !== 0) return c;
    }
    return 0;
  }
  if ('value' in a && 'value' in b) return compareScalars(a.value, b.value);
  return (a as { index: number }).index - (b as { index: number }).index;
}

interface Node {
  member: boolean;
  children: Map<string, Node>;
}

const newNode = (): Node => ({ member: false, children: new Map() });
const nodeEmpty = (n: Node): boolean => !n.member && n.children.size === 0;

function insertEncoded(root: Node, path: readonly string[]): void {
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

const union: Combine = (a, b) => {
  if (!a || !b) return a ?? b;
  const out: Node = { member: a.member || b.member, children: new Map(a.children) };
  for (const [pe, child] of b.children) out.children.set(pe, union(out.children.get(pe), child)!);
  return out;
};

const difference: Combine = (a, b) => {
  if (!a || !b) return a;
  const out: Node = { member: a.member && !b.member, children: new Map() };
  for (const [pe, child] of a.children) {
    const d = difference(child, b.children.get(pe));
    if (d && !nodeEmpty(d)) out.children.set(pe, d);
  }
  return out;
};

const recursiveDifference: Combine = (a, b) => {
  if (!a || !b) return a;
  const out: Node = { member: a.member && !b.member, children: new Map() };
  for (const [pe, child] of a.children) {
    if (b.children.get(pe)?.member) continue;
    const d = recursiveDifference(child, b.children.get(pe));
    if (d && !nodeEmpty(d)) out.children.set(pe, d);
  }
  return out;
};

const intersection: Combine = (a, b) => {
  if (!a || !b) return undefined;
  const out: Node = { member: a.member && b.member, children: new Map() };
  for (const [pe, child] of a.children) {
    const i = intersection(child, b.children.get(pe));
    if (i && !nodeEmpty(i)) out.children.set(pe, i);
  }
  return out;
};

function sortedChildren(node: Node): [string, Node][] {
  return [...node.children.entries()].sort(([a], [b]) => compareElements(decodeElement(a), decodeElement(b)));
}

// Lets the module's walkers build a FieldSet from a trie without making the constructor public.
let wrapNode: (root: Node) => FieldSet;

/** An immutable set of field paths (fieldpath.Set). */
export class FieldSet {
  static {
    wrapNode = (root) => new FieldSet(root);
  }

  private constructor(private readonly root: Node) {}

  static empty(): FieldSet {
    return new FieldSet(newNode());
  }

  static of(...paths: FieldPath[]): FieldSet {
    const root = newNode();
    for (const path of paths) insertEncoded(root, path.map(encodeElement));
    return new FieldSet(root);
  }

  /** ToFieldSet: every scalar, atomic list, set/keyed list item, map key, and empty or null value. */
  static fromObject(obj: unknown): FieldSet {
    const root = newNode();
    collectFields(obj, '', [], root);
    return new FieldSet(root);
  }

  /** Parses fieldsV1; throws FieldPathError when it is malformed. */
  static fromFieldsV1(fields: unknown): FieldSet {
    if (!isPlainObject(fields)) throw new FieldPathError('fieldsV1 must be a JSON object');
    return new FieldSet(decodeNode(fields));
  }

  toFieldsV1(): FieldsV1 {
    return encodeChildren(this.root);
  }

  isEmpty(): boolean {
    return nodeEmpty(this.root);
  }

  has(path: FieldPath): boolean {
    let node: Node | undefined = this.root;
    for (const pe of path) node = node?.children.get(encodeElement(pe));
    return path.length > 0 && node !== undefined && node.member;
  }

  /** The paths under `pe`, relative to it (fieldpath.Set.WithPrefix). */
  withPrefix(pe: PathElement): FieldSet {
    return new FieldSet(this.root.children.get(encodeElement(pe)) ?? newNode());
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet(union(this.root, other.root)!);
  }

  /** Removes exactly the members of `other` (not what lies below them). */
  difference(other: FieldSet): FieldSet {
    return new FieldSet(difference(this.root, other.root)!);
  }

  /** Removes the members of `other` and everything below them. */
  recursiveDifference(other: FieldSet): FieldSet {
    return new FieldSet(recursiveDifference(this.root, other.root)!);
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet(intersection(this.root, other.root) ?? newNode());
  }

  /** EnsureNamedFieldsAreMembers: struct fields above a member become members too. */
  withNamedParents(): FieldSet {
    const root = newNode();
    const walk = (node: Node, path: string[], typePath: string): void => {
      for (const [pe, child] of node.children) {
        const element = decodeElement(pe);
        const named = 'field' in element && !isMapType(typePath);
        const childType =
          'field' in element ? childTypePath(typePath, element.field) : itemTypePath(typePath);
        const childPath = [...path, pe];
        if (child.member || named) insertEncoded(root, childPath);
        walk(child, childPath, childType);
      }
    };
    walk(this.root, [], '');
    return new FieldSet(root);
  }

  /** Members in Kubernetes' iteration order: a node's members first, then its children's. */
  paths(): PathElement[][] {
    const out: PathElement[][] = [];
    const walk = (node: Node, prefix: PathElement[]): void => {
      const children = sortedChildren(node);
      for (const [pe, child] of children) if (child.member) out.push([...prefix, decodeElement(pe)]);
      for (const [pe, child] of children) walk(child, [...prefix, decodeElement(pe)]);
    };
    walk(this.root, []);
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }
}

function encodeChildren(node: Node): FieldsV1 {
  const out: FieldsV1 = {};
  for (const [pe, child] of sortedChildren(node)) {
    const inner = encodeChildren(child);
    // A path that is itself owned and also has owned children carries the `.` marker.
    out[pe] = child.member && child.children.size > 0 ? { '.': {}, ...inner } : inner;
  }
  return out;
}

function decodeNode(fields: Record<string, unknown>): Node {
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

function collectFields(value: unknown, typePath: string, path: string[], root: Node): void {
  if (Array.isArray(value)) {
    if (listTypeAt(typePath).kind === 'atomic') return insertEncoded(root, path);
    const seen = new Set<string>();
    for (const item of value) {
      const pe = encodeElement(listItemElement(typePath, item));
      if (seen.has(pe)) continue;
      seen.add(pe);
      const itemPath = [...path, pe];
      collectFields(item, itemTypePath(typePath), itemPath, root);
      insertEncoded(root, itemPath);
    }
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const childPath = [...path, `f:${key}`];
      collectFields(v, childTypePath(typePath, key), childPath, root);
      const emptyObject = isPlainObject(v) && Object.keys(v).length === 0;
      if (v === null || emptyObject || isMapType(typePath)) insertEncoded(root, childPath);
    }
    return;
  }
  insertEncoded(root, path);
}

/** What changed between two versions of an object (typed.Comparison). */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compare: leaves that changed, plus containers (maps, list items) that appeared or vanished. */
export function compareObjects(lhs: unknown, rhs: unknown): Comparison {
  const roots = { added: newNode(), modified: newNode(), removed: newNode() };
  compareValues(lhs, rhs, { typePath: '', path: [], roots });
  return {
    added: wrapNode(roots.added),
    modified: wrapNode(roots.modified),
    removed: wrapNode(roots.removed),
  };
}

interface CompareAt {
  typePath: string;
  path: string[];
  roots: { added: Node; modified: Node; removed: Node };
}

function compareLeaf(lhs: unknown, rhs: unknown, at: CompareAt): void {
  if (lhs === undefined) insertEncoded(at.roots.added, at.path);
  else if (rhs === undefined) insertEncoded(at.roots.removed, at.path);
  else if (!deepEqual(lhs, rhs)) insertEncoded(at.roots.modified, at.path);
}

function compareValues(lhs: unknown, rhs: unknown, at: CompareAt): void {
  const list = Array.isArray(lhs) || Array.isArray(rhs);
  const object = isPlainObject(lhs) || isPlainObject(rhs);
  const shapeOk = (v: unknown): boolean => v === undefined || (list ? Array.isArray(v) : isPlainObject(v));
  if ((!list && !object) || !shapeOk(lhs) || !shapeOk(rhs)) return compareLeaf(lhs, rhs, at);
  if (list) {
    const l = (lhs ?? []) as unknown[];
    const r = (rhs ?? []) as unknown[];
    if (listTypeAt(at.typePath).kind === 'atomic' || (l.length === 0 && r.length === 0)) {
      return compareLeaf(lhs, rhs, at);
    }
    const left = indexItems(at.typePath, l);
    const right = indexItems(at.typePath, r);
    for (const pe of new Set([...left.keys(), ...right.keys()])) {
      const itemAt = { ...at, typePath: itemTypePath(at.typePath), path: [...at.path, pe] };
      compareValues(left.get(pe), right.get(pe), itemAt);
    }
  } else {
    const l = (lhs ?? {}) as Record<string, unknown>;
    const r = (rhs ?? {}) as Record<string, unknown>;
    if (Object.keys(l).length === 0 && Object.keys(r).length === 0) return compareLeaf(lhs, rhs, at);
    for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) {
      const childAt = { ...at, typePath: childTypePath(at.typePath, key), path: [...at.path, `f:${key}`] };
      compareValues(l[key], r[key], childAt);
    }
  }
  // A container that appeared or vanished is itself added or removed (the `.` marker).
  if (lhs === undefined) insertEncoded(at.roots.added, at.path);
  else if (rhs === undefined) insertEncoded(at.roots.removed, at.path);
}

/** List items by encoded path element; the first of duplicates wins. */
export function indexItems(typePath: string, items: readonly unknown[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const item of items) {
    const pe = encodeElement(listItemElement(typePath, item));
    if (!out.has(pe)) out.set(pe, item);
  }
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
