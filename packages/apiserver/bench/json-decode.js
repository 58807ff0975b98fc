#!/usr/bin/env node
// What decoding a create's JSON body costs (built dist/): JSON.parse alone, against the body
// decoder (depth and member scan, JSON.parse, the member count that detects duplicate keys), for a
// 1 KiB Foo without duplicates (the fast path) and with one (the path that names it), in µs a body.
//   npm run build && npm run bench:decode -w @pwk/apiserver [-- --iterations 20000]
'use strict';
const { createBodyDecoder } = require('../dist/http/body.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ITERATIONS = Number(arg('iterations', 20000));

/** A Foo as kubectl sends it, padded with labels and annotations to `bytes`. */
function fooJson(bytes) {
  const foo = {
    apiVersion: 'bar.pwk.educative.io/v1beta1',
    kind: 'Foo',
    metadata: {
      name: 'demo-foo',
      namespace: 'default',
      labels: { app: 'demo', tier: 'backend' },
      annotations: {},
    },
    spec: { replicas: 3, location: 'Los Angeles' },
  };
  for (let i = 0; JSON.stringify(foo).length < bytes - 40; i++) {
    foo.metadata.annotations[`example.com/note-${i}`] = `value number ${i}`;
  }
  return JSON.stringify(foo);
}

async function measure(label, fn) {
  for (let i = 0; i < 2000; i++) await fn(); // warm-up: let the JIT settle
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) await fn();
  const us = Number(process.hrtime.bigint() - started) / 1e3 / ITERATIONS;
  console.log(`${label.padEnd(58)} ${us.toFixed(2)} µs`);
  return us;
}

async function main() {
  const decoder = createBodyDecoder();
  const text = fooJson(1024);
  const raw = Buffer.from(text);
  const duplicated = Buffer.from(text.replace('"replicas":3', '"replicas":1,"replicas":3'));
  console.log(`json decode — node ${process.version}, body ${raw.length} bytes, ${ITERATIONS} iterations`);
  const bare = await measure('JSON.parse(buffer.toString()) alone', () => JSON.parse(raw.toString('utf8')));
  const decoded = await measure('decoder.object(), no duplicates (fast path)', () =>
    decoder.object(raw, 'json'),
  );
  await measure('decoder.object(), one duplicate (named by a second scan)', () =>
    decoder.object(duplicated, 'json'),
  );
  await measure('decoder.object() as YAML (kubectl apply sends JSON)', () => decoder.object(raw, 'yaml'));
  console.log(
    `${'duplicate detection and depth check cost, per 1 KiB body'.padEnd(58)} ${(decoded - bare).toFixed(2)} µs`,
  );
  await decoder.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
