/**
 * `/openapi/v2` as gnostic's `openapi.v2.Document` (what `kubectl explain
 * --output=plaintext-openapiv2` and kubectl ≤ 1.26 read): nothing lost on the way, encoded once.
 */
import { parse as parseYaml } from 'yaml';
import { buildOpenAPIV2Document, openAPIV2Document, openAPIV2Protobuf } from '../support/openapi-documents';
import { UnsupportedOpenAPIError } from '../../src/discovery/openapi-v2-gnostic';
import { encodeOpenAPIV2, gnosticDocumentType } from '../../src/discovery/openapi-v2-protobuf';
import { decodeOpenAPIV2 } from '../support/gnostic-v2';

type Json = Record<string, unknown>;
const FOO = 'io.educative.pwk.bar.v1beta1.Foo';

describe('the protobuf OpenAPI v2 document', () => {
  it('decodes with gnostic’s message into exactly the JSON document', () => {
    const json = JSON.parse(openAPIV2Document().json.toString('utf8')) as Json;
    expect(decodeOpenAPIV2(openAPIV2Protobuf().bytes)).toEqual(json);
  });

  it('is encoded once and served under the JSON document’s ETag', () => {
    const first = openAPIV2Protobuf();
    expect(openAPIV2Protobuf()).toBe(first);
    expect(first.bytes).toBe(openAPIV2Protobuf().bytes);
    expect(first.etag).toBe(openAPIV2Document().etag);
    expect(first.lastModified).toBe(openAPIV2Document().lastModified);
  });

  it('carries references as `_ref` and GVK extensions as YAML, the form kubectl reads', () => {
    const type = gnosticDocumentType();
    const doc = type.toObject(type.decode(openAPIV2Protobuf().bytes)) as {
      definitions: { additional_properties: { name: string; value: Json }[] };
    };
    const foo = doc.definitions.additional_properties.find((d) => d.name === FOO)!.value as {
      properties: { additional_properties: { name: string; value: { _ref?: string } }[] };
      vendor_extension: { name: string; value: { yaml: string } }[];
    };
    const spec = foo.properties.additional_properties.find((p) => p.name === 'spec')!;
    expect(spec.value._ref).toBe('#/definitions/io.educative.pwk.bar.v1beta1.FooSpec');
    const gvk = foo.vendor_extension.find((e) => e.name === 'x-kubernetes-group-version-kind')!;
    expect(parseYaml(gvk.value.yaml)).toEqual([
      { group: 'bar.pwk.educative.io', version: 'v1beta1', kind: 'Foo' },
    ]);
  });

  it('refuses a schema keyword gnostic’s message has no field for, rather than dropping it', () => {
    const doc = buildOpenAPIV2Document();
    ((doc.definitions as Record<string, Json>)[FOO]!.properties as Record<string, Json>).spec = {
      $ref: '#/definitions/io.educative.pwk.bar.v1beta1.FooSpec',
      nullable: true,
    };
    expect(() => encodeOpenAPIV2(doc)).toThrow(UnsupportedOpenAPIError);
    expect(() => encodeOpenAPIV2(doc)).toThrow('a schema has "nullable"');
  });

  it('refuses a parameter location Swagger 2.0 does not have', () => {
    const doc = buildOpenAPIV2Document();
    const item = Object.values(doc.paths as Record<string, { parameters: Json[] }>)[0]!;
    item.parameters.push({ name: 'c', in: 'cookie', type: 'string' });
    expect(() => encodeOpenAPIV2(doc)).toThrow('parameter c has "in: cookie"');
  });
});
