import path from 'node:path';
import { ConfigError, FLAGS, helpText, parseCommandLine } from '../../src/config/flags';
import { parseDuration } from '../../src/config/duration';

const config = (argv: string[]) => {
  const parsed = parseCommandLine(argv);
  if (parsed.help) throw new Error('help');
  return parsed.config;
};

const failure = (argv: string[]): string => {
  try {
    parseCommandLine(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('command line', () => {
  it('uses the k8s.io/apiserver defaults', () => {
    const c = config([]);
    expect(c).toMatchObject({
      bindAddress: '0.0.0.0',
      securePort: 8443,
      storage: 'file',
      dataDir: path.resolve('data'),
      shutdownDelayMs: 0,
      minRequestTimeoutMs: 1_800_000,
      maxRequestBytes: 3 * 1024 * 1024,
      logLevel: 'info',
    });
    expect(c.tls).toBeUndefined();
  });

  it('takes --flag=value and --flag value', () => {
    const c = config(['--secure-port=9443', '--data-dir', '/tmp/x', '--shutdown-delay-duration', '1m30s']);
    expect(c).toMatchObject({ securePort: 9443, dataDir: '/tmp/x', shutdownDelayMs: 90_000 });
  });

  it('takes the serving certificate as a pair', () => {
    expect(config(['--tls-cert-file=a.crt', '--tls-private-key-file=a.key']).tls).toEqual({
      certFile: 'a.crt',
      keyFile: 'a.key',
    });
    expect(failure(['--tls-cert-file=a.crt'])).toBe(
      '--tls-cert-file and --tls-private-key-file must be given together',
    );
  });

  it.each([
    [['--secure-port=70000'], '--secure-port: must be an integer from 0 to 65535, got "70000"'],
    [['--secure-port=http'], '--secure-port: must be an integer from 0 to 65535, got "http"'],
    [
      ['--shutdown-delay-duration=soon'],
      '--shutdown-delay-duration: invalid duration "soon" (examples: 30s, 1m30s, 0)',
    ],
    [['--storage=etcd3'], '--storage: must be one of file'],
    [['--logging-format=xml'], '--logging-format: must be one of json, text'],
    [['--bind-address=localhost'], '--bind-address'],
    [['--no-such-flag'], "Unknown option '--no-such-flag'"],
    [['extra'], 'extra'],
  ])('stops on %j with one clear line', (argv, message) => {
    const text = failure(argv);
    expect(text).toContain(message);
    expect(text).not.toContain('\n');
  });

  it('lists every flag with its default in --help', () => {
    expect(parseCommandLine(['--help'])).toEqual({ help: true });
    const help = helpText();
    for (const name of Object.keys(FLAGS)) expect(help).toContain(`--${name}`);
    expect(help).toContain('(default "8443")');
  });
});

describe('Go durations', () => {
  it.each([
    ['0', 0],
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', 's', '1x', '-1s'])('%j is not a duration', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});
