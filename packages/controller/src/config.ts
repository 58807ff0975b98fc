/**
 * The command line, validated at the edge: read as pflag reads it (command-line.ts), then one
 * Zod schema; a bad flag stops start-up with one clear line. Flag names follow controller-runtime
 * and kube-controller-manager (--leader-elect, --leader-elect-lease-duration, --metrics-bind-address,
 * --health-probe-bind-address, --kubeconfig, -v) so operators' habits carry over.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  INVALID,
  boolFlag,
  durationFlag,
  flagValue,
  helpText as formatHelp,
  intFlag,
  logLevelForVerbosity,
  nonEmptyFlag,
  oneOfFlag,
  readFlags,
  verbosityFlag,
} from '@pwk/process';
import type { FlagSpecs } from '@pwk/process';
import { parseDuration } from '@pwk/process';
import { parseBindAddress } from './http-endpoints';
import type { BindAddress } from './http-endpoints';
import { validateElectionTimings } from './leader-election';
import { LOG_LEVELS } from './logger';
import type { LogFormat, LogLevel } from './logger';

export { ConfigError };

export const FLAGS: FlagSpecs = {
  kubeconfig: {
    description:
      'Path to a kubeconfig. Default: in-cluster config in a pod, else $KUBECONFIG or ~/.kube/config.',
  },
  concurrency: { description: 'How many Foos are reconciled at once.', default: '2' },
  'resync-period': {
    description: 'How often every cached Foo is reconciled again (0 = never).',
    default: '10m',
  },
  'leader-elect': {
    description: 'Elect a leader with a coordination.k8s.io Lease, so only one replica reconciles.',
    default: 'true',
    boolean: true,
  },
  'leader-elect-namespace': {
    description: "Namespace of the Lease. Default: the pod's namespace in a cluster, else default.",
  },
  'leader-elect-resource-name': { description: 'Name of the Lease.', default: 'pwk-controller' },
  'leader-elect-lease-duration': {
    description: 'How long standbys wait after the last renewal seen before taking the lease.',
    default: '15s',
  },
  'leader-elect-renew-deadline': {
    description: 'How long the leader keeps retrying a renewal before it stops leading.',
    default: '10s',
  },
  'leader-elect-retry-period': {
    description: 'How often candidates and the leader try the lease.',
    default: '2s',
  },
  'metrics-bind-address': { description: 'Where Prometheus metrics are served (0 = off).', default: ':8080' },
  'health-probe-bind-address': {
    description: 'Where /healthz and /readyz are served (0 = off).',
    default: ':8081',
  },
  'request-timeout': { description: 'Timeout of each API request (watches excepted).', default: '30s' },
  'graceful-shutdown-timeout': {
    description: 'On SIGTERM, how long queued and in-flight reconciles may take to finish.',
    default: '30s',
  },
  v: {
    description: "Log verbosity, as klog's: 0-3 info, 4 and above debug.",
    default: '0',
    shorthand: 'v',
  },
  'log-level': { description: 'Log level by name (error, warn, info, debug); overrides -v.' },
  'logging-format': { description: 'Log format: json or text.', default: 'json' },
  help: { description: 'Print this help and exit.', boolean: true, shorthand: 'h' },
  version: { description: 'Print the version and exit.', boolean: true },
};

export interface ControllerConfig {
  kubeconfig?: string;
  concurrency: number;
  resyncPeriodMs: number;
  leaderElection: {
    enabled: boolean;
    namespace: string;
    name: string;
    leaseDurationMs: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
  };
  metricsBindAddress?: BindAddress;
  healthProbeBindAddress?: BindAddress;
  requestTimeoutMs: number;
  gracefulShutdownTimeoutMs: number;
  logLevel: LogLevel;
  loggingFormat: LogFormat;
}

/** What the process knows about where it runs (read in main.ts, not here). */
export interface RuntimeEnvironment {
  /** The service account's namespace when running in a pod. */
  podNamespace?: string;
}

/** `help`: --help or --version was given; print `text` and exit 0. */
export type ParsedCommandLine = { help: true; text: string } | { help: false; config: ControllerConfig };

const PACKAGE_JSON = path.join(__dirname, '..', 'package.json');

const positiveDuration = (flag: string) =>
  flagValue(flag, 'must be a duration greater than 0 (examples: 15s, 1m30s)', (text) => {
    const ms = parseDuration(text);
    return ms !== undefined && ms > 0 ? ms : INVALID;
  });

const bindAddress = (flag: string) =>
  flagValue(flag, 'must be [host]:port or 0', (text) => {
    const parsed = parseBindAddress(text);
    return parsed === 'invalid' ? INVALID : parsed;
  });

const schema = z.object({
  kubeconfig: nonEmptyFlag('kubeconfig').optional(),
  concurrency: intFlag('concurrency', 1, 1000),
  'resync-period': durationFlag('resync-period'),
  'leader-elect': boolFlag('leader-elect'),
  'leader-elect-namespace': nonEmptyFlag('leader-elect-namespace').optional(),
  'leader-elect-resource-name': flagValue('leader-elect-resource-name', 'must be a DNS subdomain', (text) =>
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(text) ? text : INVALID,
  ),
  'leader-elect-lease-duration': positiveDuration('leader-elect-lease-duration'),
  'leader-elect-renew-deadline': positiveDuration('leader-elect-renew-deadline'),
  'leader-elect-retry-period': positiveDuration('leader-elect-retry-period'),
  'metrics-bind-address': bindAddress('metrics-bind-address'),
  'health-probe-bind-address': bindAddress('health-probe-bind-address'),
  'request-timeout': positiveDuration('request-timeout'),
  'graceful-shutdown-timeout': durationFlag('graceful-shutdown-timeout'),
  v: verbosityFlag('v'),
  'log-level': oneOfFlag('log-level', LOG_LEVELS).optional(),
  'logging-format': oneOfFlag('logging-format', ['json', 'text'] as const),
});

/** Parses argv (without node and script). Throws ConfigError with one line for the user. */
export function parseCommandLine(argv: string[], environment: RuntimeEnvironment = {}): ParsedCommandLine {
  const values = readFlags(argv, FLAGS, 'pwk-controller');
  if (values.help === 'true') return { help: true, text: helpText() };
  if (values.version === 'true') {
    const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
    return { help: true, text: `pwk-controller v${version}\n` };
  }
  const withDefaults: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(FLAGS)) {
    if (name !== 'help' && name !== 'version') withDefaults[name] = values[name] ?? spec.default;
  }
  const parsed = schema.safeParse(withDefaults);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Custom issues carry their whole line; Zod's own need the flag's name.
    const flag = issue.path[0] ? `--${String(issue.path[0])}: ` : '';
    throw new ConfigError(issue.code === 'custom' ? issue.message : `${flag}${issue.message}`);
  }
  const c = parsed.data;
  const leaderElection = {
    enabled: c['leader-elect'],
    namespace: c['leader-elect-namespace'] ?? environment.podNamespace ?? 'default',
    name: c['leader-elect-resource-name'],
    leaseDurationMs: c['leader-elect-lease-duration'],
    renewDeadlineMs: c['leader-elect-renew-deadline'],
    retryPeriodMs: c['leader-elect-retry-period'],
  };
  const timings = validateElectionTimings(leaderElection);
  if (leaderElection.enabled && timings) throw new ConfigError(`--leader-elect-*: ${timings}`);
  return {
    help: false,
    config: {
      kubeconfig: c.kubeconfig,
      concurrency: c.concurrency,
      resyncPeriodMs: c['resync-period'],
      leaderElection,
      metricsBindAddress: c['metrics-bind-address'],
      healthProbeBindAddress: c['health-probe-bind-address'],
      requestTimeoutMs: c['request-timeout'],
      gracefulShutdownTimeoutMs: c['graceful-shutdown-timeout'],
      logLevel: c['log-level'] ?? logLevelForVerbosity(c.v),
      loggingFormat: c['logging-format'],
    },
  };
}

export function helpText(): string {
  return formatHelp({
    usage: 'pwk-controller [flags]',
    about: 'Reconciles every Foo to spec.location "Los Angeles".',
    flags: FLAGS,
  });
}
