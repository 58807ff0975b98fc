import path from 'node:path';
import { ConfigError, FLAGS, helpText, parseCommandLine } from '../../src/config/flags';
import { parseDuration } from '@pwk/process';

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
    [
      ['--secure-port=70000'],
      'invalid argument "70000" for "--secure-port" flag: must be an integer from 0 to 65535',
    ],
    [
      ['--secure-port=http'],
      'invalid argument "http" for "--secure-port" flag: must be an integer from 0 to 65535',
    ],
    [
      ['--shutdown-delay-duration=soon'],
      'invalid argument "soon" for "--shutdown-delay-duration" flag: must be a duration (examples: 30s, 1m30s, 0)',
    ],
    [['--storage=etcd3'], 'invalid argument "etcd3" for "--storage" flag: must be one of file, etcd'],
    [
      ['--logging-format=xml'],
      'invalid argument "xml" for "--logging-format" flag: must be one of json, text',
    ],
    [
      ['--bind-address=localhost'],
      'invalid argument "localhost" for "--bind-address" flag: must be an IP address',
    ],
    [['--data-dir='], 'invalid argument "" for "--data-dir" flag: must not be empty'],
    [['--v=debug'], 'invalid argument "debug" for "--v" flag: must be an integer from 0 to 2147483647'],
    [
      ['--log-level=trace'],
      'invalid argument "trace" for "--log-level" flag: must be one of error, warn, info, debug',
    ],
    [
      ['--authentication-skip-lookup=maybe'],
      'invalid argument "maybe" for "--authentication-skip-lookup" flag: must be true or false (see --help)',
    ],
    [['--no-such-flag'], 'unknown flag: --no-such-flag (see --help)'],
    [['-x'], "unknown shorthand flag: 'x' in -x (see --help)"],
    [['--secure-port'], 'flag needs an argument: --secure-port (see --help)'],
    [['-v'], "flag needs an argument: 'v' in -v (see --help)"],
    [['extra'], '"pwk-apiserver" does not take any arguments, got ["extra"] (see --help)'],
    // pflag: a boolean's value must be attached with "="; a separate word is an argument.
    [
      ['--authentication-skip-lookup', 'false'],
      '"pwk-apiserver" does not take any arguments, got ["false"] (see --help)',
    ],
  ])("stops on %j with one line, in pflag's words", (argv, message) => {
    expect(failure(argv)).toBe(message);
  });

  it('takes IPv4 and IPv6 bind addresses', () => {
    expect(config(['--bind-address=127.0.0.1']).bindAddress).toBe('127.0.0.1');
    expect(config(['--bind-address', '::']).bindAddress).toBe('::');
  });

  it('takes booleans bare or with a Go boolean after "="', () => {
    expect(config([]).authenticationSkipLookup).toBe(false);
    expect(config(['--authentication-skip-lookup']).authenticationSkipLookup).toBe(true);
    expect(config(['--authentication-skip-lookup=true']).authenticationSkipLookup).toBe(true);
    expect(config(['--authentication-skip-lookup=True']).authenticationSkipLookup).toBe(true);
    expect(config(['--authentication-skip-lookup=false']).authenticationSkipLookup).toBe(false);
    expect(
      config(['--authorization-always-allow', '--authorization-always-allow=0']).authorizationAlwaysAllow,
    ).toBe(false);
  });

  it("takes klog's -v as a number: 0-1 info, 2-3 info with request detail, 4 and above debug", () => {
    expect(config([])).toMatchObject({ verbosity: 0, logLevel: 'info' });
    expect(config(['--v=2'])).toMatchObject({ verbosity: 2, logLevel: 'info' });
    expect(config(['-v', '3'])).toMatchObject({ verbosity: 3, logLevel: 'info' });
    expect(config(['-v=4'])).toMatchObject({ verbosity: 4, logLevel: 'debug' });
    expect(config(['-v9'])).toMatchObject({ verbosity: 9, logLevel: 'debug' });
  });

  it('takes a named --log-level over -v', () => {
    expect(config(['--v=5', '--log-level=warn'])).toMatchObject({ verbosity: 5, logLevel: 'warn' });
  });

  it('answers -h like --help, and --version with the version', () => {
    expect(parseCommandLine(['-h'])).toEqual({ help: true, text: helpText() });
    expect(parseCommandLine(['--version'])).toEqual({ help: true, text: 'pwk-apiserver v0.1.0\n' });
    expect(parseCommandLine(['--help=false']).help).toBe(false);
  });

  it('lists every flag with its default in --help', () => {
    expect(parseCommandLine(['--help'])).toEqual({ help: true, text: helpText() });
    const help = helpText();
    for (const name of Object.keys(FLAGS)) expect(help).toContain(`--${name}`);
    expect(help).toContain('(default "8443")');
    expect(help).toContain('  -h, --help\n');
    expect(help).toContain('  -v, --v <value>\n');
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
