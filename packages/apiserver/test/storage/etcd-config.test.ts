/**
 * The etcd backend's configuration surface: the apiserver flags (--storage=etcd, --etcd-*), the
 * key layout with its prefix, and the backend URLs pwk-storage takes.
 */
import path from 'node:path';
import { ConfigError, parseCommandLine } from '../../src/config/flags';
import { EtcdKeys, normalizePrefix, prefixEnd } from '../../src/storage/etcd/etcd-keys';
import { BackendSpecError, parseBackendSpec } from '../../src/storage/migration/backend-spec';

const config = (argv: string[]) => {
  const parsed = parseCommandLine(argv);
  if (parsed.help) throw new Error('help');
  return parsed.config;
};

describe('etcd flags', () => {
  it('takes --storage=etcd with servers, prefix and TLS files', () => {
    const c = config([
      '--storage=etcd',
      '--etcd-servers=https://10.0.0.1:2379, https://10.0.0.2:2379',
      '--etcd-prefix=/pwk',
      '--etcd-cafile=ca.crt',
      '--etcd-certfile=client.crt',
      '--etcd-keyfile=client.key',
    ]);
    expect(c.storage).toBe('etcd');
    expect(c.etcd).toEqual({
      servers: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379'],
      prefix: '/pwk',
      caFile: 'ca.crt',
      certFile: 'client.crt',
      keyFile: 'client.key',
    });
  });

  it('defaults the prefix to /registry and keeps the file store the default backend', () => {
    const c = config([]);
    expect(c.storage).toBe('file');
    expect(c.etcd).toEqual({ servers: [], prefix: '/registry' });
  });

  it.each([
    [['--storage=etcd'], '--storage=etcd needs --etcd-servers'],
    [
      ['--storage=etcd', '--etcd-servers=http://e:2379', '--etcd-certfile=c'],
      '--etcd-certfile and --etcd-keyfile must be given together',
    ],
    [['--storage=mysql'], 'invalid argument "mysql" for "--storage" flag: must be one of file, etcd'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(ConfigError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});

describe('etcd key layout', () => {
  it('puts objects at <prefix>/<group>/<resource>/<namespace>/<name>', () => {
    const keys = new EtcdKeys('/registry');
    const key = { group: 'bar.pwk.educative.io', resource: 'foos', namespace: 'ns', name: 'a' };
    expect(keys.object(key)).toBe('/registry/bar.pwk.educative.io/foos/ns/a');
    expect(keys.object({ ...key, namespace: '' })).toBe('/registry/bar.pwk.educative.io/foos/a');
    expect(keys.scope(key)).toBe('/registry/bar.pwk.educative.io/foos/ns/');
    expect(keys.scope({ group: key.group, resource: 'foos' })).toBe('/registry/bar.pwk.educative.io/foos/');
  });

  it.each([
    ['/registry', '/registry'],
    ['registry/', '/registry'],
    ['/a/b//', '/a/b'],
    ['/', ''],
  ])('normalises the prefix %j to %j', (given, expected) => {
    expect(normalizePrefix(given)).toBe(expected);
  });

  it('ends a prefix range just past every key with that prefix', () => {
    expect(prefixEnd('/r/ns/').toString()).toBe('/r/ns0');
    // Byte-wise on the UTF-8 encoding: 'ÿ' is c3 bf, so the range ends at c3 c0.
    expect([...prefixEnd('a\u00ff')]).toEqual([0x61, 0xc3, 0xc0]);
  });
});

describe('pwk-storage backend URLs', () => {
  it.each([
    ['file:./data', { kind: 'file', dataDir: path.resolve('data') }],
    ['file:///var/lib/pwk', { kind: 'file', dataDir: '/var/lib/pwk' }],
    ['etcd://127.0.0.1:2379', { kind: 'etcd', endpoints: ['http://127.0.0.1:2379'], prefix: '/registry' }],
    [
      'etcds://e1:2379,e2:2379/pwk',
      { kind: 'etcd', endpoints: ['https://e1:2379', 'https://e2:2379'], prefix: '/pwk' },
    ],
  ])('reads %j', (text, expected) => {
    expect(parseBackendSpec(text)).toEqual(expected);
  });

  it('uses --etcd-prefix when the URL names none, and refuses anything else', () => {
    expect(parseBackendSpec('etcd://e:2379', '/other')).toMatchObject({ prefix: '/other' });
    expect(() => parseBackendSpec('./data')).toThrow(BackendSpecError);
    expect(() => parseBackendSpec('postgres://db')).toThrow('cannot read backend "postgres://db"');
  });
});
