import { KUBERNETES_OPENAPI_NAMES, OPENAPI_NAMES } from '../src';
import { v1 } from './fixtures';

// The storage version's, whose names OPENAPI_NAMES gives.
const fooOpenAPISchemas = v1.openAPISchemas;

type Schema = Record<string, unknown>;

const v3 = fooOpenAPISchemas({ refPrefix: '#/components/schemas/', dialect: 'openapi-3.0' });
const v2 = fooOpenAPISchemas({ refPrefix: '#/definitions/', dialect: 'swagger-2.0' });

/** Visits every schema node with its JSON path. */
function walk(node: unknown, visit: (n: Schema, path: string) => void, path = ''): void {
  if (Array.isArray(node)) return node.forEach((n, i) => walk(n, visit, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return;
  visit(node as Schema, path);
  for (const [k, v] of Object.entries(node)) walk(v, visit, `${path}/${k}`);
}

/** The schema a property stands for; Kubernetes' own schemas (not in the set) describe themselves. */
function resolve(schemas: Record<string, Schema>, prefix: string, node: Schema): Schema {
  const ref = (node.$ref ?? (node.allOf as Schema[] | undefined)?.[0]?.$ref) as string | undefined;
  if (!ref) return node;
  const name = ref.slice(prefix.length);
  if (KUBERNETES_OPENAPI_NAMES.includes(name)) return { description: `Kubernetes' ${name}` };
  const target = schemas[name];
  if (!target) throw new Error(`unresolved ${ref}`);
  return target;
}

describe('the generated OpenAPI schemas', () => {
  it('name Foo, FooList, FooSpec and FooStatus in reverse-DNS form and leave the meta/v1 types to Kubernetes', () => {
    const own = [OPENAPI_NAMES.foo, OPENAPI_NAMES.fooList, OPENAPI_NAMES.fooSpec, OPENAPI_NAMES.fooStatus];
    for (const doc of [v3, v2]) expect(Object.keys(doc).sort()).toEqual([...own].sort());
    expect(KUBERNETES_OPENAPI_NAMES).toEqual(
      expect.arrayContaining([OPENAPI_NAMES.objectMeta, OPENAPI_NAMES.listMeta, OPENAPI_NAMES.condition]),
    );
  });

  it('carry x-kubernetes-group-version-kind as an array on Foo and FooList', () => {
    expect(v3[OPENAPI_NAMES.foo]?.['x-kubernetes-group-version-kind']).toEqual([
      { group: 'bar.pwk.educative.io', version: 'v1', kind: 'Foo' },
    ]);
    expect(v3[OPENAPI_NAMES.fooList]?.['x-kubernetes-group-version-kind']).toEqual([
      { group: 'bar.pwk.educative.io', version: 'v1', kind: 'FooList' },
    ]);
  });

  it('reference ObjectMeta by $ref', () => {
    const foo = v3[OPENAPI_NAMES.foo] as { properties: Record<string, Schema> };
    expect(foo.properties.metadata).toEqual({ $ref: `#/components/schemas/${OPENAPI_NAMES.objectMeta}` });
  });

  it('resolve every $ref to a schema in the set or to a Kubernetes schema the server supplies', () => {
    const referenced = new Set<string>();
    for (const [doc, prefix] of [
      [v3, '#/components/schemas/'],
      [v2, '#/definitions/'],
    ] as const) {
      walk(doc, (node) => {
        if (typeof node.$ref === 'string') {
          expect(node.$ref.startsWith(prefix)).toBe(true);
          const name = node.$ref.slice(prefix.length);
          if (doc[name] === undefined) expect(KUBERNETES_OPENAPI_NAMES).toContain(name);
          referenced.add(name);
        }
      });
    }
    expect([...referenced]).toEqual(
      expect.arrayContaining([OPENAPI_NAMES.objectMeta, OPENAPI_NAMES.listMeta, OPENAPI_NAMES.condition]),
    );
  });

  it('write a plain $ref in Swagger 2.0, never one wrapped in allOf (kubectl explain cannot follow it)', () => {
    const foo = v2[OPENAPI_NAMES.foo] as { properties: Record<string, Schema> };
    expect(foo.properties.spec).toEqual({ $ref: `#/definitions/${OPENAPI_NAMES.fooSpec}` });
    expect(foo.properties.status).toEqual({ $ref: `#/definitions/${OPENAPI_NAMES.fooStatus}` });
    walk(v2, (node, path) => expect([path, node.allOf]).toEqual([path, undefined]));
  });

  it('keep allOf in OpenAPI v3 only around a $ref that has siblings, as kube-openapi does', () => {
    const foo = v3[OPENAPI_NAMES.foo] as { properties: Record<string, Schema> };
    expect(foo.properties.spec).toEqual({ $ref: `#/components/schemas/${OPENAPI_NAMES.fooSpec}` });
    walk(v3, (node, path) => {
      if (node.allOf !== undefined) expect([path, Object.keys(node).length]).not.toEqual([path, 1]);
    });
  });

  it('describe every property', () => {
    const undescribed: string[] = [];
    walk(v3, (node, path) => {
      for (const [name, prop] of Object.entries((node.properties ?? {}) as Record<string, Schema>)) {
        const target = resolve(v3, '#/components/schemas/', prop);
        if (!prop.description && !target.description) undescribed.push(`${path}/${name}`);
      }
    });
    expect(undescribed).toEqual([]);
  });

  it('state the spec.replicas and spec.location rules that validation enforces', () => {
    const spec = v3[OPENAPI_NAMES.fooSpec] as { properties: Record<string, Schema> };
    expect(spec.properties.replicas).toMatchObject({
      type: 'integer',
      format: 'int32',
      minimum: 0,
      maximum: 2147483647,
    });
    expect(spec.properties.location).toMatchObject({ type: 'string', maxLength: 256 });
  });

  it('state the defaults defaulting applies, as a CRD schema does, and leave defaulted fields optional', () => {
    for (const doc of [v3, v2]) {
      const spec = doc[OPENAPI_NAMES.fooSpec] as { default: unknown; properties: Record<string, Schema> };
      expect(spec.default).toEqual({});
      expect(spec.properties.replicas).toMatchObject({ default: 1 });
      expect((doc[OPENAPI_NAMES.foo] as { required: string[] }).required.sort()).toEqual([
        'apiVersion',
        'kind',
        'metadata',
      ]);
    }
  });

  it('leave objects open and drop JavaScript-only bounds, as Kubernetes schemas do', () => {
    walk(v3, (node, path) => {
      expect([path, node.additionalProperties]).not.toEqual([path, false]);
      expect([path, node.maximum]).not.toEqual([path, Number.MAX_SAFE_INTEGER]);
    });
  });

  it('use no OpenAPI-3-only keywords in the Swagger 2.0 dialect', () => {
    walk(v2, (node, path) => {
      for (const keyword of ['nullable', 'const', 'exclusiveMinimum', 'oneOf', 'anyOf']) {
        if (typeof node[keyword] !== 'undefined' && typeof node[keyword] !== 'boolean') {
          throw new Error(`${path} uses ${keyword}`);
        }
      }
    });
    expect(v2[OPENAPI_NAMES.foo]?.['x-kubernetes-group-version-kind']).toBeDefined();
  });
});
