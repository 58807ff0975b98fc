#!/usr/bin/env node
// Benchmark of hostile request bodies against the built server (dist/main.js, or --main PATH):
// for each scenario a fresh pwk-apiserver is started, the bodies are POSTed, and we report the
// answers, the longest event-loop block inside the server (perf_hooks' event-loop delay, from
// bench/loop-monitor.js preloaded with --require), the slowest of /readyz probes sent one after
// another 10 ms apart and how many took over 2 s (a typical readiness-probe timeout), and the
// server's peak RSS (VmHWM).
//   npm run build && npm run bench:bodies -w @pwk/apiserver [-- --only flow-3mb] [--main /other/dist/main.js]
// Not run in CI: the figures depend on the machine; the wire tests pin the answers.
'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const https = require('node:https');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const MAIN = path.resolve(arg('main', path.join(__dirname, '..', 'dist', 'main.js')));
const TIMEOUT_MS = Number(arg('timeout-ms', 120_000));
const TOKEN = 'bench-token';
const FOOS = '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos';
const MAX_BODY = 3 * 1024 * 1024 - 1024;

const head = (name) => `apiVersion: bar.pwk.educative.io/v1beta1\nkind: Foo\nmetadata: {name: ${name}}\n`;
/** `spec: {location: [[[…]]]}` filling `bytes`. */
const flowNested = (bytes) => {
  const depth = Math.floor((bytes - 100) / 2);
  return `${head('flow')}spec: {location: ${'['.repeat(depth)}${']'.repeat(depth)}}\n`;
};
/** Compact block sequences, `- - - - x`: two bytes a level, no brackets. */
const blockNested = (bytes) =>
  `${head('block')}spec:\n  location:\n${'- '.repeat(Math.floor((bytes - 120) / 2))}x\n`;
/** Indented block mappings, as deep as `bytes` allows (n levels take about n²/2 bytes). */
const indentNested = (bytes) => {
  const lines = [];
  let size = 0;
  for (let i = 0; size + i + 5 < bytes - 200; i++) {
    const line = `${' '.repeat(i + 2)}a:`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${head('indent')}spec:\n${lines.join('\n')} 1\n`;
};
/** A shallow map of `bytes`: unknown fields, many keys (the yaml library's unique-key check is quadratic). */
const flatMap = (bytes) => {
  const lines = [];
  let size = 0;
  for (let i = 0; size < bytes - 200; i++) {
    const line = `  k${i}: ${i}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${head('flat')}spec:\n  location: here\nextra:\n${lines.join('\n')}\n`;
};
/** A JSON Foo whose `field` (a dotted path) holds a flat map of short entries filling `bytes`. */
const jsonFlatMap = (bytes, field) => {
  const map = {};
  for (let i = 0, size = 0; size < bytes - 300; i++, size += 16 + String(i).length) map[`k${i}`] = 'value';
  const foo = {
    apiVersion: 'bar.pwk.educative.io/v1beta1',
    kind: 'Foo',
    metadata: { name: 'json' },
    spec: {},
  };
  const [parent, key] = field.split('.');
  if (key) foo[parent][key] = map;
  else foo[parent] = map;
  return JSON.stringify(foo);
};
/** Billion laughs: nine levels of ten aliases each. */
const billionLaughs = () => {
  const rows = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 9; i++)
    rows.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${head('laughs')}${rows.join('\n')}\nspec: {location: *a8}\n`;
};

const SCENARIOS = {
  'flow-3mb': { what: '3 MB flow-nested YAML ([[[…]]])', bodies: () => [flowNested(MAX_BODY)] },
  'block-3mb': { what: '3 MB block-nested YAML (- - - …)', bodies: () => [blockNested(MAX_BODY)] },
  'indent-3mb': { what: '3 MB indentation-nested YAML maps', bodies: () => [indentNested(MAX_BODY)] },
  'parallel-16x200kb': {
    what: '16 × 200 KB flow-nested YAML, in parallel',
    bodies: () => Array.from({ length: 16 }, () => flowNested(200 * 1024)),
  },
  'flat-200kb': { what: '200 KB shallow YAML map (unknown fields)', bodies: () => [flatMap(200 * 1024)] },
  'flat-3mb': { what: '3 MB shallow YAML map (unknown fields)', bodies: () => [flatMap(MAX_BODY)] },
  'json-unknown-3mb': {
    what: '3 MB JSON, one unknown field holding a flat map',
    bodies: () => [jsonFlatMap(MAX_BODY, 'extra')],
  },
  'json-labels-3mb': {
    what: '3 MB JSON of metadata.labels (known fields)',
    bodies: () => [jsonFlatMap(MAX_BODY, 'metadata.labels')],
  },
  'billion-laughs': { what: 'billion laughs (aliases)', bodies: () => [billionLaughs()] },
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function request(base, opts) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = https.request(
      `${base.url}${opts.path}`,
      {
        method: opts.method ?? 'GET',
        ca: base.ca,
        agent: opts.agent,
        timeout: opts.timeoutMs,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/yaml' },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), ms });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ status: 0, text: err.message, ms });
    });
    req.end(opts.body);
  });
}

async function startServer(dir) {
  const port = await freePort();
  const tokens = path.join(dir, 'tokens.csv');
  writeFileSync(tokens, `${TOKEN},bench,1,"system:masters"\n`);
  const loopFile = path.join(dir, 'loop.json');
  const child = spawn(
    process.execPath,
    [
      '--require',
      path.join(__dirname, 'loop-monitor.js'),
      MAIN,
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--data-dir=${path.join(dir, 'data')}`,
      `--cert-dir=${path.join(dir, 'certs')}`,
      `--token-auth-file=${tokens}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PWK_BENCH_LOOP_FILE: loopFile } },
  );
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const base = { url: `https://127.0.0.1:${port}`, ca: undefined, child, loopFile };
  for (let i = 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
    try {
      base.ca = readFileSync(path.join(dir, 'certs', 'apiserver.crt'));
    } catch {
      continue;
    }
    if ((await request(base, { path: '/readyz', timeoutMs: 1000 })).status === 200) return base;
  }
  throw new Error(`the server did not become ready: ${stderr}`);
}

/**
 * The longest event-loop delay since the last call (see loop-monitor.js), in ms; Infinity when
 * the server is still blocked 10 s later (it cannot answer the signal then).
 */
async function longestBlockMs(base) {
  rmSync(base.loopFile, { force: true });
  base.child.kill('SIGUSR2');
  for (let i = 0; i < 200; i++) {
    try {
      return JSON.parse(readFileSync(base.loopFile, 'utf8')).maxMs;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return Infinity;
}

/** Peak resident set of a process (VmHWM), in MiB. */
function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function run(name) {
  const scenario = SCENARIOS[name];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwk-bench-bodies-'));
  const base = await startServer(dir);
  try {
    const bodies = scenario.bodies();
    const idleRss = peakRssMiB(base.child.pid);
    await longestBlockMs(base); // start the count here: start-up is not the scenario's
    const probes = { count: 0, late: 0, maxMs: 0 };
    let done = false;
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const probing = (async () => {
      while (!done) {
        const res = await request(base, { path: '/readyz', agent, timeoutMs: TIMEOUT_MS });
        probes.count++;
        if (res.status !== 200 || res.ms > 2000) probes.late++;
        probes.maxMs = Math.max(probes.maxMs, res.ms);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const started = process.hrtime.bigint();
    const answers = await Promise.race([
      Promise.all(
        bodies.map((body) => request(base, { path: FOOS, method: 'POST', body, timeoutMs: TIMEOUT_MS })),
      ),
      new Promise((r) => setTimeout(() => r(undefined), TIMEOUT_MS)),
    ]);
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    done = true;
    await probing;
    const blockMs = await longestBlockMs(base);
    agent.destroy();
    const summary = answers
      ? [...new Set(answers.map((a) => `${a.status} ${answerReason(a.text)}`))].join(' | ')
      : `no answer within ${TIMEOUT_MS} ms`;
    return {
      name,
      what: scenario.what,
      bodyBytes: bodies[0].length,
      answer: summary,
      totalMs,
      maxProbeMs: probes.maxMs,
      blockMs,
      probesLate: `${probes.late}/${probes.count}`,
      idleRssMiB: idleRss,
      peakRssMiB: peakRssMiB(base.child.pid),
    };
  } finally {
    base.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function answerReason(text) {
  try {
    const status = JSON.parse(text);
    return `${status.reason ?? status.kind}: ${String(status.message ?? '').slice(0, 90)}`;
  } catch {
    return text.slice(0, 90);
  }
}

async function main() {
  const only = arg('only', undefined);
  const names = only ? only.split(',') : Object.keys(SCENARIOS);
  console.log(`hostile bodies — node ${process.version}, ${os.cpus().length} cores, server ${MAIN}`);
  for (const name of names) {
    const r = await run(name);
    console.log(
      [
        `${r.what} [${name}], body ${(r.bodyBytes / 1024).toFixed(0)} KiB`,
        `  answer: ${r.answer}`,
        `  all answered after ${r.totalMs.toFixed(0)} ms;` +
          ` longest event-loop block ${Number.isFinite(r.blockMs) ? `${r.blockMs.toFixed(0)} ms` : 'still blocked at the end'};` +
          ` slowest /readyz ${r.maxProbeMs.toFixed(0)} ms` +
          ` (failed or > 2 s: ${r.probesLate}); peak RSS ${r.peakRssMiB.toFixed(0)} MiB (idle ${r.idleRssMiB.toFixed(0)} MiB)`,
      ].join('\n'),
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
