import { renderChart } from '../src/chart';
import { getCostLines, renderMarkdown } from '../src/report';
import { checkTargets, PHASE } from '../src/results';
import type { BenchResult } from '../src/results';
import type { PhaseSummary } from '../src/stats';

const phase = (name: string, opsPerSec: number, extra: Partial<PhaseSummary> = {}): PhaseSummary => ({
  name,
  ops: 2000,
  opsPerSec,
  p50Ms: 1,
  p99Ms: 5,
  errors: 0,
  ...extra,
});

function result(overrides: Partial<BenchResult> = {}): BenchResult {
  return {
    machine: { cpu: 'Test CPU', cores: 2, memoryGB: 8, os: 'Linux', node: 'v20.0.0', disk: '/tmp' },
    date: '2025-01-01T00:00:00.000Z',
    command: 'npm run build && npm run bench -w @pwk/bench',
    settings: { objects: 2000, concurrency: 16, readRequests: 10000, watchEvents: 200 },
    ceilings: { bareHttps: phase('bare HTTPS', 10_000), durableWrites: phase('durable writes', 1000) },
    phases: [
      phase(PHASE.create, 900),
      phase(PHASE.get, 8000),
      phase(PHASE.mergePatch, 700),
      phase(PHASE.listAll, 60, { p50Ms: 15 }),
      phase(PHASE.watch20, 5000, { p99Ms: 8 }),
      phase(PHASE.watch100, 20_000, { p99Ms: 40 }),
    ],
    startup: [
      { objects: 10_000, startupMs: 400, rssMB: 90, settledRssMB: 85, listP50Ms: 70, listErrors: 0 },
      { objects: 100_000, startupMs: 2500, rssMB: 210, settledRssMB: 190 },
    ],
    ...overrides,
  };
}

describe('checkTargets', () => {
  it('judges each target against the same run’s ceilings', () => {
    const checks = Object.fromEntries(checkTargets(result()).map((c) => [c.target, c]));
    expect(checks['get ≥ 0.75 × bare HTTPS']).toMatchObject({
      met: true,
      measured: '8000/s = 0.80 × 10000/s',
    });
    expect(checks['create ≥ 0.8 × durable writes']!.met).toBe(true);
    expect(checks['merge-patch ≥ 0.8 × durable writes']!.met).toBe(false);
    expect(checks['list of 2,000 p50 ≤ 20 ms']).toMatchObject({ met: true, measured: '15.0 ms' });
    expect(checks['list of 10,000 p50 ≤ 80 ms']!.met).toBe(true);
    expect(checks['watch, 20 watchers: all delivered, p99 ≤ 10 ms']!.met).toBe(true);
    expect(checks['watch, 100 watchers: all delivered, p99 ≤ 30 ms']!.met).toBe(false);
    expect(checks['100k Foos: RSS ≤ 200 MB']).toMatchObject({ met: false, measured: '210.0 MB' });
    expect(checks['100k Foos: start-up ≤ 5 s']!.met).toBe(true);
    expect(checks['no phase has errors']).toMatchObject({ met: true, measured: '0 errors' });
  });

  it('fails a watch phase that missed events even when it was fast', () => {
    const run = result();
    run.phases = [phase(PHASE.watch20, 5000, { p99Ms: 1, errors: 3 })];
    const watch = checkTargets(run).find((c) => c.target.startsWith('watch, 20'));
    expect(watch).toMatchObject({ met: false, measured: 'p99 1.0 ms, 3 missed' });
  });

  it('names every phase with errors, and leaves unmeasured targets open', () => {
    const run = result({ startup: [] });
    run.phases[1] = phase(PHASE.get, 8000, { errors: 2 });
    const checks = checkTargets(run);
    expect(checks.find((c) => c.target === 'no phase has errors')).toMatchObject({
      met: false,
      measured: 'get: 2',
    });
    expect(checks.find((c) => c.target === '100k Foos: RSS ≤ 200 MB')).toMatchObject({
      met: undefined,
      measured: 'not measured in this run',
    });
  });
});

describe('getCostLines', () => {
  it('reads the get ratio against both servers’ CPU per request', () => {
    const run = result();
    run.ceilings.bareHttps = phase('bare HTTPS', 10_000, { serverCpuPercent: 40 });
    run.phases[1] = phase(PHASE.get, 8000, { serverCpuPercent: 96 });
    const [line] = getCostLines(run);
    // 0.40 s of CPU per second / 10,000 requests = 40 µs; 0.96 / 8,000 = 120 µs.
    expect(line).toContain('get 120 µs, bare HTTPS 40 µs (3.0×)');
    expect(line).toContain('The bare server ran at 40% CPU');
    expect(renderMarkdown(run)).toContain(line);
  });

  it('says nothing when the CPU was not sampled', () => {
    expect(getCostLines(result())).toEqual([]);
  });
});

describe('renderMarkdown', () => {
  it('states machine, date and command, and has a row per phase, ceiling and store size', () => {
    const md = renderMarkdown(result());
    expect(md).toContain('`npm run build && npm run bench -w @pwk/bench`');
    expect(md).toContain('2025-01-01T00:00:00.000Z');
    expect(md).toContain('Test CPU, 2 cores');
    expect(md).toContain('| get | 2,000 | 8,000 | 1.00 | 5.00 | 0 | 0.80 × bare HTTPS |  |');
    expect(md).toContain('| create | 2,000 | 900 | 1.00 | 5.00 | 0 | 0.90 × durable writes |  |');
    expect(md).toContain('| 100,000 | 2,500 | 210 | 190 |  |');
    expect(md).toContain('| merge-patch ≥ 0.8 × durable writes | 700/s = 0.70 × 1000/s | **no** |');
  });
});

describe('renderChart', () => {
  it('draws one bar per phase and a line per ceiling, with escaped labels', () => {
    const run = result();
    run.phases.push(phase('a <b> & "c"', 1));
    const svg = renderChart(run);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect x=/g)).toHaveLength(run.phases.length);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(4); // two legend keys, two ceiling lines
    expect(svg).toContain('a &#60;b&#62; &#38; &#34;c&#34;');
    expect(svg).not.toContain('<b>');
  });

  it('puts a faster phase further right on the log axis', () => {
    const svg = renderChart(result());
    const width = (name: string) => {
      const at = svg.indexOf(`>${name}</text>`);
      return Number(/width="([\d.]+)"/.exec(svg.slice(at))![1]);
    };
    expect(width(PHASE.get)).toBeGreaterThan(width(PHASE.create));
    expect(width(PHASE.create)).toBeGreaterThan(width(PHASE.listAll));
  });
});
