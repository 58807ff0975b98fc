import path from 'node:path';
import { parseOptions, UsageError } from '../src/options';

describe('parseOptions', () => {
  it('defaults to 2,000 objects, 16 clients, both store sizes, <repo>/docs and the apiserver’s default sync (log)', () => {
    expect(parseOptions([], '/repo')).toEqual({
      objects: 2000,
      readRequests: 10_000,
      concurrency: 16,
      watchEvents: 1000,
      startupObjects: [10_000, 100_000],
      out: path.resolve('/repo/docs'),
      tmpDir: undefined,
      cpuProfileDir: undefined,
      fileStoreSync: 'log',
    });
  });

  it('reads --flag value and --flag=value; get requests follow a larger object count', () => {
    const options = parseOptions(['--objects', '100000', '--out=/tmp/x', '--startup-objects', 'none'], '/r');
    expect(options).toMatchObject({
      objects: 100_000,
      readRequests: 100_000,
      out: '/tmp/x',
      startupObjects: [],
    });
  });

  it.each([
    [['--objects', '0'], '--objects: expected a positive integer, got "0"'],
    [['--objects', '2k'], '--objects: expected a positive integer, got "2k"'],
    [['--objects'], '--objects: missing value'],
    [['--object', '5'], 'unknown option --object'],
    [['2000'], 'unexpected argument "2000"'],
    [['--storage', 'etcd'], '--storage etcd: only "file" is available'],
    [['--file-store-sync', 'none'], '--file-store-sync none: expected per-object or log'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseOptions(argv, '/r')).toThrow(new UsageError(message));
  });
});
