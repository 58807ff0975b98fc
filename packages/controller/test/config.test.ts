/** Flags: defaults as documented, and one clear line for each kind of bad flag. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, helpText, parseCommandLine } from '../src/config';

const parse = (argv: string[], env = {}) => {
  const parsed = parseCommandLine(argv, env);
  if (parsed.help) throw new Error('unexpected help');
  return parsed.config;
};

const failure = (argv: string[]): string => {
  try {
    parseCommandLine(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('parseCommandLine', () => {
  it('defaults to controller-runtime and client-go values', () => {
    expect(parse([])).toEqual({
      kubeconfig: undefined,
      concurrency: 2,
      resyncPeriodMs: 600_000,
      leaderElection: {
        enabled: true,
        namespace: 'default',
        name: 'pwk-controller',
        leaseDurationMs: 15_000,
        renewDeadlineMs: 10_000,
        retryPeriodMs: 2_000,
      },
      metricsBindAddress: { port: 8080 },
      healthProbeBindAddress: { port: 8081 },
      requestTimeoutMs: 30_000,
      gracefulShutdownTimeoutMs: 30_000,
      logLevel: 'info',
      loggingFormat: 'json',
    });
  });

  it('takes the lease namespace from the pod when not given', () => {
    expect(parse([], { podNamespace: 'pwk-system' }).leaderElection.namespace).toBe('pwk-system');
    expect(
      parse(['--leader-elect-namespace=x'], { podNamespace: 'pwk-system' }).leaderElection.namespace,
    ).toBe('x');
  });

  it('accepts Go-style booleans, bare or with a value', () => {
    expect(parse(['--leader-elect=false']).leaderElection.enabled).toBe(false);
    expect(parse(['--leader-elect', '--concurrency=3']).leaderElection.enabled).toBe(true);
    expect(parse(['--leader-elect=0']).leaderElection.enabled).toBe(false);
    expect(parse(['--leader-elect=True']).leaderElection.enabled).toBe(true);
  });

  it('parses durations, bind addresses and the rest', () => {
    const config = parse([
      '--kubeconfig=/tmp/kc',
      '--concurrency',
      '8',
      '--resync-period=0',
      '--leader-elect-lease-duration=30s',
      '--leader-elect-renew-deadline=20s',
      '--leader-elect-retry-period=1500ms',
      '--metrics-bind-address=0',
      '--health-probe-bind-address=127.0.0.1:0',
      '--log-level=debug',
      '--logging-format=text',
    ]);
    expect(config).toMatchObject({
      kubeconfig: '/tmp/kc',
      concurrency: 8,
      resyncPeriodMs: 0,
      leaderElection: { leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 1_500 },
      metricsBindAddress: undefined,
      healthProbeBindAddress: { host: '127.0.0.1', port: 0 },
      logLevel: 'debug',
      loggingFormat: 'text',
    });
    expect(parse(['--metrics-bind-address=[::1]:9090']).metricsBindAddress).toEqual({
      host: '::1',
      port: 9090,
    });
  });

  it.each([
    [['--concurrency=0'], 'invalid argument "0" for "--concurrency" flag: must be an integer from 1 to 1000'],
    [
      ['--concurrency=two'],
      'invalid argument "two" for "--concurrency" flag: must be an integer from 1 to 1000',
    ],
    [
      ['--resync-period=10 minutes'],
      'invalid argument "10 minutes" for "--resync-period" flag: must be a duration (examples: 30s, 1m30s, 0)',
    ],
    [
      ['--leader-elect=maybe'],
      'invalid argument "maybe" for "--leader-elect" flag: must be true or false (see --help)',
    ],
    [
      ['--leader-elect-retry-period=0'],
      'invalid argument "0" for "--leader-elect-retry-period" flag: must be a duration greater than 0 (examples: 15s, 1m30s)',
    ],
    [
      ['--metrics-bind-address=8080'],
      'invalid argument "8080" for "--metrics-bind-address" flag: must be [host]:port or 0',
    ],
    [
      ['--health-probe-bind-address=:70000'],
      'invalid argument ":70000" for "--health-probe-bind-address" flag: must be [host]:port or 0',
    ],
    [
      ['--log-level=trace'],
      'invalid argument "trace" for "--log-level" flag: must be one of error, warn, info, debug',
    ],
    [
      ['--logging-format=xml'],
      'invalid argument "xml" for "--logging-format" flag: must be one of json, text',
    ],
    [['--v=info'], 'invalid argument "info" for "--v" flag: must be an integer from 0 to 2147483647'],
    [['--kubeconfig='], 'invalid argument "" for "--kubeconfig" flag: must not be empty'],
    [
      ['--leader-elect-resource-name=Not_A_Name'],
      'invalid argument "Not_A_Name" for "--leader-elect-resource-name" flag: must be a DNS subdomain',
    ],
    [
      ['--leader-elect-renew-deadline=20s'],
      '--leader-elect-*: leaseDuration must be greater than renewDeadline',
    ],
    [
      ['--leader-elect-renew-deadline=2s'],
      '--leader-elect-*: renewDeadline must be greater than retryPeriod*1.2',
    ],
  ])('rejects %j with one clear line', (argv, message) => {
    expect(failure(argv)).toBe(message);
  });

  it('ignores election timings when leader election is off', () => {
    expect(parse(['--leader-elect=false', '--leader-elect-renew-deadline=20s']).leaderElection.enabled).toBe(
      false,
    );
  });

  it("rejects unknown flags and positional arguments in pflag's words, pointing at --help", () => {
    expect(failure(['--bogus'])).toBe('unknown flag: --bogus (see --help)');
    expect(failure(['-x'])).toBe("unknown shorthand flag: 'x' in -x (see --help)");
    expect(failure(['--concurrency'])).toBe('flag needs an argument: --concurrency (see --help)');
    expect(failure(['extra'])).toBe(
      '"pwk-controller" does not take any arguments, got ["extra"] (see --help)',
    );
  });

  it('takes a boolean\'s value only after "=", as pflag does', () => {
    expect(failure(['--leader-elect', 'false'])).toBe(
      '"pwk-controller" does not take any arguments, got ["false"] (see --help)',
    );
  });

  it("takes klog's -v as a number: 0-3 info, 4 and above debug; a named --log-level wins", () => {
    expect(parse(['--v=2']).logLevel).toBe('info');
    expect(parse(['-v', '4']).logLevel).toBe('debug');
    expect(parse(['-v=7', '--log-level=warn']).logLevel).toBe('warn');
  });

  it('answers -h like --help, and --version with the version', () => {
    expect(parseCommandLine(['-h'])).toEqual({ help: true, text: helpText() });
    expect(parseCommandLine(['--version'])).toEqual({ help: true, text: 'pwk-controller v0.1.0\n' });
  });

  it('parses flags with the command-line code the apiserver uses too (@pwk/process), not a copy', () => {
    const read = (file: string) => readFileSync(path.join(__dirname, '..', '..', file), 'utf8');
    for (const config of ['controller/src/config.ts', 'apiserver/src/config/flags.ts'])
      expect(read(config)).toContain("from '@pwk/process'");
    for (const copy of ['controller/src/command-line.ts', 'apiserver/src/config/command-line.ts'])
      expect(existsSync(path.join(__dirname, '..', '..', copy))).toBe(false);
  });

  it('answers --help with every flag and its default', () => {
    expect(parseCommandLine(['--help'])).toEqual({ help: true, text: helpText() });
    const text = helpText();
    expect(text).toContain('--leader-elect-lease-duration <value>');
    expect(text).toContain('(default "15s")');
    expect(text).toContain('--metrics-bind-address <value>');
    expect(text).toContain('  -h, --help\n');
    expect(text).toContain('  -v, --v <value>\n');
  });
});
