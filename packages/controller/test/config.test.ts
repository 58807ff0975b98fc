/** Flags: defaults as documented, and one clear line for each kind of bad flag. */
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
    [['--concurrency=0'], '--concurrency: must be an integer from 1 to 1000, got "0"'],
    [['--concurrency=two'], '--concurrency: must be an integer from 1 to 1000, got "two"'],
    [
      ['--resync-period=10 minutes'],
      '--resync-period: invalid duration "10 minutes" (examples: 15s, 1m30s, 0)',
    ],
    [['--leader-elect=maybe'], '--leader-elect: must be true or false, got "maybe"'],
    [['--leader-elect-retry-period=0'], '--leader-elect-retry-period: must be greater than 0'],
    [['--metrics-bind-address=8080'], '--metrics-bind-address: must be [host]:port or 0, got "8080"'],
    [
      ['--health-probe-bind-address=:70000'],
      '--health-probe-bind-address: must be [host]:port or 0, got ":70000"',
    ],
    [['--log-level=trace'], '--log-level: must be one of error, warn, info, debug, got "trace"'],
    [['--logging-format=xml'], '--logging-format: must be one of json, text, got "xml"'],
    [['--leader-elect-resource-name=Not_A_Name'], '--leader-elect-resource-name: must be a DNS subdomain'],
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

  it('rejects unknown flags and positional arguments, pointing at --help', () => {
    expect(failure(['--bogus'])).toMatch(/^Unknown option '--bogus'.*\(see --help\)$/);
    expect(failure(['extra'])).toMatch(/\(see --help\)$/);
  });

  it('answers --help with every flag and its default', () => {
    expect(parseCommandLine(['--help'])).toEqual({ help: true });
    const text = helpText();
    expect(text).toContain('--leader-elect-lease-duration <value>');
    expect(text).toContain('(default "15s")');
    expect(text).toContain('--metrics-bind-address <value>');
  });
});
