// A separate process that opens a file store from the built package (dist/), for tests that
// need a second process: the data-dir lock and the SIGKILL crash test.
//   node store-worker.js <data-dir> hold    → prints READY and keeps the store open
//   node store-worker.js <data-dir> write   → 16 concurrent writers; prints BEGIN before and
//                                              ACK after every operation, until killed
//   … [per-object|log [<log segment bytes>]]  → the store's --file-store-sync (default per-object)
// Lines are written with writeSync so that a printed ACK was acknowledged by the store.
'use strict';
const { writeSync } = require('node:fs');
const { createFileStorage } = require('../../../dist/storage/file/file-storage.js');

const [dataDir, mode, sync = 'per-object', segmentBytes] = process.argv.slice(2);
// stdout is a pipe the test reads: when it is full (the test busy), wait a moment and go on, so
// that a printed ACK still means acknowledged and no line is lost.
const pause = new Int32Array(new SharedArrayBuffer(4));
const say = (line) => {
  const buf = Buffer.from(`${line}\n`);
  for (let done = 0; done < buf.length;) {
    try {
      done += writeSync(1, buf, done);
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
};
const GROUP = 'bar.pwk.educative.io';
const WRITERS = 16;
const KEYS_PER_WRITER = 4;

async function writer(store, w, exists) {
  let counter = Math.floor(Math.random() * 1e6);
  for (;;) {
    const name = `w${w}-k${Math.floor(Math.random() * KEYS_PER_WRITER)}`;
    const namespace = `ns-${w % 4}`;
    const key = { group: GROUP, resource: 'foos', namespace, name };
    const id = `${namespace}/${name}`;
    const replicas = ++counter;
    if (!exists.get(id)) {
      say(`BEGIN create ${id} ${replicas}`);
      const obj = {
        apiVersion: `${GROUP}/v1beta1`,
        kind: 'Foo',
        metadata: { name, namespace },
        spec: { replicas },
      };
      const created = await store.create(key, obj);
      exists.set(id, true);
      say(`ACK create ${id} ${replicas} ${created.metadata.resourceVersion}`);
    } else if (Math.random() < 0.8) {
      say(`BEGIN update ${id} ${replicas}`);
      const updated = await store.guaranteedUpdate(key, (cur) => ({
        ...cur,
        spec: { ...cur.spec, replicas },
      }));
      say(`ACK update ${id} ${replicas} ${updated.metadata.resourceVersion}`);
    } else {
      say(`BEGIN delete ${id} 0`);
      const deleted = await store.delete(key);
      exists.set(id, false);
      say(`ACK delete ${id} 0 ${deleted.metadata.resourceVersion}`);
    }
  }
}

async function main() {
  let store;
  try {
    store = await createFileStorage({
      dataDir,
      sync,
      ...(segmentBytes ? { logSegmentBytes: Number(segmentBytes) } : {}),
    });
  } catch (err) {
    say(`REFUSED ${err.message}`);
    process.exit(3);
  }
  // A writer restarted on an existing dir must learn which keys exist.
  const existing = await store.list({ group: GROUP, resource: 'foos' });
  say(`READY ${existing.revision} ${existing.items.length}`);
  if (mode === 'hold') {
    setInterval(() => {}, 1 << 30);
    return;
  }
  // Each writer owns its keys, so this view stays exact while it writes.
  const exists = new Map(existing.items.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, true]));
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(store, w, exists)));
}

main().catch((err) => {
  say(`ERROR ${err.stack}`);
  process.exit(1);
});
