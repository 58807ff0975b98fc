/**
 * Validates Kubernetes objects offline, two ways:
 * - against the Kubernetes OpenAPI schemas, compiled into kubernetes-models (types, required
 *   fields, enums, formats);
 * - for unknown fields, which those schemas allow but `kubectl apply` rejects (it validates
 *   strictly by default), against the field lists of @kubernetes/client-node's generated models.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { KubeObject } from './kube-objects';

/** Node's own require: the models are plain CommonJS and need nothing from jest's loader. */
const nodeRequire = createRequire(__filename);

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** e.g. apps/v1 Deployment → kubernetes-models/apps/v1/Deployment; v1 Service → kubernetes-models/v1/Service. */
function loadModel(apiVersion: string, kind: string): ModelClass | undefined {
  try {
    const exports = nodeRequire(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, ModelClass>;
    return exports[kind];
  } catch {
    return undefined;
  }
}

interface Attribute {
  baseName: string;
  type: string;
}

const MODELS_DIR = path.join(
  path.dirname(nodeRequire.resolve('@kubernetes/client-node/package.json')),
  'dist/gen/models',
);
const attributeCache = new Map<string, Attribute[] | undefined>();

/**
 * The generated model's attributeTypeMap, read as the JSON literal it is (the files are ES
 * modules, which jest's CommonJS loader will not import on Node 20).
 */
function attributesOf(typeName: string): Attribute[] | undefined {
  if (!attributeCache.has(typeName)) {
    let attributes: Attribute[] | undefined;
    try {
      const text = readFileSync(path.join(MODELS_DIR, `${typeName}.js`), 'utf8');
      const literal = new RegExp(`${typeName}\\.attributeTypeMap = (\\[[\\s\\S]*?\\]);`).exec(text)?.[1];
      attributes = literal ? (JSON.parse(literal) as Attribute[]) : undefined;
    } catch {
      attributes = undefined;
    }
    attributeCache.set(typeName, attributes);
  }
  return attributeCache.get(typeName);
}

const OPAQUE = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString']);

function unknownFields(value: unknown, type: string, at: string): string[] {
  if (value === null || value === undefined || OPAQUE.has(type)) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array)
    return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, array[1]!, `${at}[${i}]`)) : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    return typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => unknownFields(v, map[1]!, `${at}.${k}`))
      : [];
  }
  const attributes = attributesOf(type);
  if (!attributes) return [`${at}: no field list for type ${type}`];
  if (typeof value !== 'object' || Array.isArray(value)) return [];
  const known = new Map(attributes.map((a) => [a.baseName, a.type]));
  return Object.entries(value).flatMap(([key, v]) => {
    const fieldType = known.get(key);
    return fieldType === undefined
      ? [`${at}.${key}: unknown field`]
      : unknownFields(v, fieldType, `${at}.${key}`);
  });
}

/** client-node names a kind's model after its version: V1Deployment, V1APIService, ... */
function modelTypeName(object: KubeObject): string {
  const version = object.apiVersion.split('/').pop()!;
  return `${version[0]!.toUpperCase()}${version.slice(1)}${object.kind}`;
}

/** Problems with one object, each a line; empty when it is valid. */
export function validateObject(object: KubeObject): string[] {
  const name = `${object.kind}/${object.metadata?.name ?? '?'}`;
  const Model = loadModel(object.apiVersion, object.kind);
  if (!Model) return [`${name}: no schema for ${object.apiVersion} ${object.kind}`];
  const problems: string[] = [];
  try {
    new Model(object).validate();
  } catch (err) {
    problems.push(`${name}: ${(err as Error).message}`);
  }
  problems.push(...unknownFields(object, modelTypeName(object), name));
  return problems;
}
