/**
 * Regenerates src/discovery/gnostic/openapiv2.descriptor.json from the committed
 * src/discovery/gnostic/OpenAPIv2.proto (gnostic's, verbatim). The server loads the JSON
 * descriptor, which tsc copies into dist/; test/discovery/gnostic-descriptor.test.ts fails when
 * the two drift apart. Run: node scripts/gen-gnostic-descriptor.js
 */
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const protobuf = require('protobufjs');

const dir = path.join(__dirname, '../src/discovery/gnostic');

function descriptorFromProto(source) {
  const root = new protobuf.Root();
  // OpenAPIv2.proto imports google/protobuf/any.proto, which protobufjs ships.
  root.addJSON(protobuf.common.get('google/protobuf/any.proto').nested);
  protobuf.parse(source, root, { keepCase: true });
  root.resolveAll();
  return root.toJSON();
}

module.exports = { descriptorFromProto };

if (require.main === module) {
  const descriptor = descriptorFromProto(readFileSync(path.join(dir, 'OpenAPIv2.proto'), 'utf8'));
  writeFileSync(path.join(dir, 'openapiv2.descriptor.json'), `${JSON.stringify(descriptor, null, 2)}\n`);
}
