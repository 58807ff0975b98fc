/** The descriptor the server loads must be the committed gnostic OpenAPIv2.proto's. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Root, common, parse } from 'protobufjs';
import descriptor from '../../src/discovery/gnostic/openapiv2.descriptor.json';

const GNOSTIC = path.resolve(__dirname, '../../src/discovery/gnostic');

describe('gnostic’s OpenAPI v2 message', () => {
  it('is described by openapiv2.descriptor.json exactly as OpenAPIv2.proto defines it (node scripts/gen-gnostic-descriptor.js)', () => {
    const root = new Root();
    root.addJSON(common.get('google/protobuf/any.proto')!.nested!);
    parse(readFileSync(path.join(GNOSTIC, 'OpenAPIv2.proto'), 'utf8'), root, { keepCase: true });
    root.resolveAll();
    expect(JSON.parse(JSON.stringify(root.toJSON()))).toEqual(descriptor);
  });

  it('numbers the fields kubectl reads as gnostic does', () => {
    const type = Root.fromJSON(descriptor).lookupType('openapi.v2.Schema');
    expect(type.fields._ref!.id).toBe(1);
    expect(type.fields.properties!.id).toBe(25);
    expect(type.fields.vendor_extension!.id).toBe(31);
  });
});
