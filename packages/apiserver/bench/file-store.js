#!/usr/bin/env node
// Benchmark of the file store (built dist/): acknowledged creates/s and updates/s under
// 16-way concurrency, then start-up time and RSS of a store holding 100k objects, loaded as the
// server loads it (every object checked against its schema) and without that check.
//   npm run build && node packages/apiserver/bench/file-store.js [--objects 100000] [--writes 5000] [--dir /tmp/x]
// Every figure is for fsynced, acknowledged writes on the disk that holds --dir (default: the OS temp dir).
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createFileStorage } = require('../dist/storage/file/file-storage.js');
const { loadedObjectCheck } = require('../dist/server/loaded-object-check.js');

const GROUP = 'bar.pwk.educative.io';
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

const key = (i) => ({ group: GROUP, resource: 'foos', namespace: `ns-${i % 20}`, name: `foo-${i}` });
const foo = (i) => ({
  apiVersion: `${GROUP}/v1beta1`,
  kind: 'Foo',
  metadata: {
    name: `foo-${i}`,
    namespace: `ns-${i % 20}`,
    uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    labels: { app: 'bench' },
  },
  spec: { replicas: 1, location: 'Los Angeles' },
});

async function concurrently(total, width, fn) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < total) await fn(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function load(dir, checked) {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const store = await createFileStorage({
    dataDir: dir,
    checkLoaded: checked ? loadedObjectCheck : undefined,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const { user, system } = process.cpuUsage(cpu);
  const cpuMs = (user + system) / 1000;
  global.gc?.();
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  const { items } = await store.list({ group: GROUP, resource: 'foos', limit: 1 });
  await store.close();
  process.stdout.write(JSON.stringify({ ms, cpuMs, rssMiB, sample: items.length }));
}

async function main() {
  if (process.argv[2] === '--load') return load(process.argv[3], process.argv[4] !== 'unchecked');
  const objects = Number(arg('objects', 100000));
  const writes = Number(arg('writes', 5000));
  const base = arg('dir', os.tmpdir());
  const dir = mkdtempSync(path.join(base, 'pwk-bench-'));
  try {
    const store = await createFileStorage({ dataDir: dir });
    const createS = await concurrently(writes, 16, (i) => store.create(key(i), foo(i)));
    const updateS = await concurrently(writes, 16, (i) =>
      store.guaranteedUpdate(key(i), (cur) => ({ ...cur, spec: { ...cur.spec, replicas: 2 } })),
    );
    const fillS = await concurrently(objects - writes, 64, (i) =>
      store.create(key(writes + i), foo(writes + i)),
    );
    await store.close();

    const bare = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.memoryUsage().rss / 2 ** 20))',
    ]);
    const loadIn = (mode) => {
      const loaded = spawnSync(process.execPath, ['--expose-gc', __filename, '--load', dir, mode], {
        encoding: 'utf8',
      });
      if (loaded.status !== 0) throw new Error(loaded.stderr);
      return JSON.parse(loaded.stdout);
    };
    loadIn('unchecked'); // warms the page cache, so both measured loads read from memory
    const unchecked = loadIn('unchecked');
    const { ms, cpuMs, rssMiB, sample } = loadIn('checked');
    if (sample !== 1) throw new Error('the schema check refused the benchmark objects');

    const rows = [
      ['acknowledged creates/s, 16-way', (writes / createS).toFixed(0)],
      ['acknowledged updates/s, 16-way', (writes / updateS).toFixed(0)],
      [`fill to ${objects} objects, 64-way (s)`, fillS.toFixed(1)],
      [`start-up with ${objects} objects (ms)`, ms.toFixed(0)],
      [`  CPU time of it, all threads (ms)`, cpuMs.toFixed(0)],
      [`start-up without the schema check (ms)`, unchecked.ms.toFixed(0)],
      [`  CPU time of it, all threads (ms)`, unchecked.cpuMs.toFixed(0)],
      [`RSS after start-up with ${objects} objects (MiB)`, rssMiB.toFixed(0)],
      ['RSS of a bare node process (MiB)', Number(bare.stdout).toFixed(0)],
    ];
    console.log(`file store benchmark — node ${process.version}, ${os.cpus().length} cores, dir ${base}`);
    for (const [what, value] of rows) console.log(`${what.padEnd(48)} ${value}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
