/**
 * The server's background threads (the log-mode file writer, the YAML decoder) in a real process
 * of the built package: they keep it alive while they have work, so a command waiting for them
 * (pwk-storage, a store's close()) gets its answer, and never once they are idle, so a process
 * that is done exits by itself — a CLI does not hang, and neither does a test runner.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const DIST = path.join(__dirname, '..', '..', 'dist');
/** A generous bound for a process that has finished: it exits in well under a second. */
const EXIT_DEADLINE_MS = 30_000;
const TEST_TIMEOUT_MS = EXIT_DEADLINE_MS + 10_000;

interface Finished {
  /** null when it had to be killed: it did not exit by itself. */
  code: number | null;
  stdout: string;
}

/** Runs a script against dist/ and waits for it to exit by itself (or kills it at the deadline). */
function runScript(script: string, args: string[]): Promise<Finished> {
  const child = spawn(process.execPath, ['-e', script, DIST, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => {
    const deadline = setTimeout(() => child.kill('SIGKILL'), EXIT_DEADLINE_MS);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      resolve({ code: signal ? null : code, stdout });
    });
  });
}

const WRITE_AND_CLOSE = `
const [dist, dataDir, count] = process.argv.slice(1);
const { createFileStorage } = require(dist + '/storage/file/file-storage.js');
(async () => {
  const store = await createFileStorage({ dataDir, sync: 'log' });
  const group = 'bar.pwk.educative.io';
  await Promise.all(Array.from({ length: Number(count) }, (_, i) => store.create(
    { group, resource: 'foos', namespace: 'default', name: 'foo-' + i },
    { apiVersion: group + '/v1', kind: 'Foo', metadata: { name: 'foo-' + i, namespace: 'default' }, spec: {} },
  )));
  await store.close();
  console.log('CLOSED');
})();
`;

const DECODE_AND_LEAVE_OPEN = `
const [dist] = process.argv.slice(1);
const { YamlThread } = require(dist + '/http/yaml-thread.js');
const thread = new YamlThread({ maxDepth: 100, maxHeapMb: 64 });
thread.decode('metadata:\\n  name: left-open\\n').then(({ json }) => console.log('DECODED ' + json));
`;

describe('background threads in a real process', () => {
  let dir: string;

  beforeAll(() => {
    if (!existsSync(path.join(DIST, 'storage', 'file', 'file-storage.js')))
      throw new Error(`${DIST} is missing: run "npm run build" first`);
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-threads-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'a log-mode store waits for its object files on close, and the process then exits by itself',
    async () => {
      const finished = await runScript(WRITE_AND_CLOSE, [dir, '300']);

      expect(finished.code).toBe(0);
      expect(finished.stdout).toContain('CLOSED');
      const files = await readdir(path.join(dir, 'bar.pwk.educative.io', 'foos', 'default'));
      expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(300);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the YAML thread answers a process that waits only for it, and does not keep it alive after',
    async () => {
      const finished = await runScript(DECODE_AND_LEAVE_OPEN, []);

      expect(finished.code).toBe(0);
      expect(finished.stdout).toContain('DECODED {"metadata":{"name":"left-open"}}');
    },
    TEST_TIMEOUT_MS,
  );
});
