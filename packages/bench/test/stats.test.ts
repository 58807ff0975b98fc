import { percentile, summarize } from '../src/stats';

describe('percentile', () => {
  it('is the nearest-rank sample: an observed latency, never an interpolation', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(sorted, 90)).toBe(9);
    expect(percentile(sorted, 91)).toBe(10);
  });

  it('takes the smallest sample for p0 and the largest for p100', () => {
    expect(percentile([3, 7, 9], 0)).toBe(3);
    expect(percentile([3, 7, 9], 100)).toBe(9);
  });

  it('has no value for no samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts the samples and rates only successful operations', () => {
    const summary = summarize('get', {
      latenciesMs: [5, 1, 3, 2, 4],
      errors: 5,
      durationMs: 500,
      ops: 10,
      firstError: 'GET /x: 500',
    });
    expect(summary).toEqual({
      name: 'get',
      ops: 10,
      opsPerSec: 10,
      p50Ms: 3,
      p99Ms: 5,
      errors: 5,
      firstError: 'GET /x: 500',
    });
  });

  it('reports a zero rate for a phase that took no time', () => {
    expect(summarize('x', { latenciesMs: [], errors: 0, durationMs: 0, ops: 0 }).opsPerSec).toBe(0);
  });
});
