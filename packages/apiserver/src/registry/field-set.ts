/**
 * Sets of field paths, as sigs.k8s.io/structured-merge-diff keeps them for server-side apply
 * (fieldpath.Set): built from an object, combined (union, difference, intersection), and encoded
 * to / decoded from the `fieldsV1` wire form (`{"f:spec":{".":{},"f:replicas":{}}}`).
 */
import type { SchemaSemantics } from '@pwk/api';
import { FieldPathError, decodeElement, encodeElement, isPlainObject } from './field-path';
import type { FieldPath, FieldsV1, PathElement } from './field-path';
import {
  decodeNode,
  difference,
  encodeChildren,
  insertEncoded,
  intersection,
  newNode,
  nodeEmpty,
  recursiveDifference,
  sortedChildren,
  union,
} from './field-trie';
import type { Node } from './field-trie';
import { childTypePath, isAtomicStruct, itemTypePath, listItemElement } from './type-paths';

/** An immutable set of field paths (fieldpath.Set). */
export class FieldSet {
  private constructor(private readonly root: Node) {}

  /** A set over a trie the walkers built (the trie is the set's from now on). */
  static fromTrie(root: Node): FieldSet {
    return new FieldSet(root);
  }

  static empty(): FieldSet {
    return new FieldSet(newNode());
  }

  static of(...paths: FieldPath[]): FieldSet {
    const root = newNode();
    for (const path of paths) insertEncoded(root, path.map(encodeElement));
    return new FieldSet(root);
  }

  /** ToFieldSet: every scalar, atomic list, set/keyed list item, map key, and empty or null value. */
  static fromObject(obj: unknown, semantics: SchemaSemantics): FieldSet {
    const root = newNode();
    collectFields({ semantics, root }, obj, { typePath: '', path: [] });
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
  withNamedParents(semantics: SchemaSemantics): FieldSet {
    const root = newNode();
    const walk = (node: Node, path: string[], typePath: string): void => {
      for (const [pe, child] of node.children) {
        const element = decodeElement(pe);
        const named = 'field' in element && !semantics.isMap(typePath);
        const childType =
          'field' in element ? childTypePath(semantics, typePath, element.field) : itemTypePath(typePath);
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

function collectFields(
  into: { semantics: SchemaSemantics; root: Node },
  value: unknown,
  at: { typePath: string; path: string[] },
): void {
  const { semantics, root } = into;
  const { typePath, path } = at;
  if (Array.isArray(value)) {
    if (semantics.listTypeAt(typePath).kind === 'atomic') return insertEncoded(root, path);
    const seen = new Set<string>();
    for (const item of value) {
      const pe = encodeElement(listItemElement(semantics, typePath, item));
      if (seen.has(pe)) continue;
      seen.add(pe);
      const itemPath = [...path, pe];
      collectFields(into, item, { typePath: itemTypePath(typePath), path: itemPath });
      insertEncoded(root, itemPath);
    }
    return;
  }
  if (isPlainObject(value) && !isAtomicStruct(semantics, typePath)) {
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const childPath = [...path, `f:${key}`];
      collectFields(into, v, { typePath: childTypePath(semantics, typePath, key), path: childPath });
      const emptyObject = isPlainObject(v) && Object.keys(v).length === 0;
      if (v === null || emptyObject || semantics.isMap(typePath)) insertEncoded(root, childPath);
    }
    return;
  }
  insertEncoded(root, path);
}
