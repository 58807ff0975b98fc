/**
 * The command line, validated at the edge: node:util parseArgs, then one Zod schema; a bad
 * flag stops start-up with one clear line. Flag names follow controller-runtime and
 * kube-controller-manager (--leader-elect, --leader-elect-lease-duration, --metrics-bind-address,
 * --health-probe-bind-address, --kubeconfig) so operators' habits carry over.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseDuration } from './duration';
import { parseBindAddress } from './http-endpoints';
import type { BindAddress } from './http-endpoints';
import { validateElectionTimings } from './leader-election';
import { LOG_LEVELS } from './logger';
import type { LogFormat, LogLevel } from './logger';

interface FlagSpec {
  description: string;
  default?: string;
  /** Go-style boolean: `--flag`, `--flag=true|false`. */
  boolean?: boolean;
}

export const FLAGS: Record<string, FlagSpec> = {
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
  'log-level': { description: 'Log level: error, warn, info, debug.', default: 'info' },
  'logging-format': { description: 'Log format: json or text.', default: 'json' },
  help: { description: 'Print this help and exit.', boolean: true },
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

export class ConfigError extends Error {}

export type ParsedCommandLine = { help: true } | { help: false; config: ControllerConfig };

const duration = (flag: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `--${flag}: invalid duration "${text}" (examples: 15s, 1m30s, 0)`,
      });
      return z.NEVER;
    }
    return ms;
  });

const positiveDuration = (flag: string) =>
  duration(flag).refine((ms) => ms > 0, { message: `--${flag}: must be greater than 0` });

/** Go's strconv.ParseBool, which pflag uses. */
const goBool = (flag: string) =>
  z.string().transform((text, ctx) => {
    if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
    if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
    ctx.addIssue({ code: 'custom', message: `--${flag}: must be true or false, got "${text}"` });
    return z.NEVER;
  });

const bindAddress = (flag: string) =>
  z.string().transform((text, ctx) => {
    const parsed = parseBindAddress(text);
    if (parsed === 'invalid') {
      ctx.addIssue({ code: 'custom', message: `--${flag}: must be [host]:port or 0, got "${text}"` });
      return z.NEVER;
    }
    return parsed;
  });

const oneOf = <T extends string>(flag: string, values: readonly T[]) =>
  z.string().transform((text, ctx) => {
    if ((values as readonly string[]).includes(text)) return text as T;
    ctx.addIssue({
      code: 'custom',
      message: `--${flag}: must be one of ${values.join(', ')}, got "${text}"`,
    });
    return z.NEVER;
  });

const schema = z.object({
  kubeconfig: z.string().min(1, { message: '--kubeconfig: must not be empty' }).optional(),
  concurrency: z.string().transform((text, ctx) => {
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || n < 1 || n > 1000) {
      ctx.addIssue({
        code: 'custom',
        message: `--concurrency: must be an integer from 1 to 1000, got "${text}"`,
      });
      return z.NEVER;
    }
    return n;
  }),
  'resync-period': duration('resync-period'),
  'leader-elect': goBool('leader-elect'),
  'leader-elect-namespace': z
    .string()
    .min(1, { message: '--leader-elect-namespace: must not be empty' })
    .optional(),
  'leader-elect-resource-name': z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
    message: '--leader-elect-resource-name: must be a DNS subdomain',
  }),
  'leader-elect-lease-duration': positiveDuration('leader-elect-lease-duration'),
  'leader-elect-renew-deadline': positiveDuration('leader-elect-renew-deadline'),
  'leader-elect-retry-period': positiveDuration('leader-elect-retry-period'),
  'metrics-bind-address': bindAddress('metrics-bind-address'),
  'health-probe-bind-address': bindAddress('health-probe-bind-address'),
  'request-timeout': positiveDuration('request-timeout'),
  'graceful-shutdown-timeout': duration('graceful-shutdown-timeout'),
  'log-level': oneOf('log-level', LOG_LEVELS),
  'logging-format': oneOf('logging-format', ['json', 'text'] as const),
});

/** pflag accepts a bare `--flag` for booleans; parseArgs needs a value for string options. */
function normaliseBooleans(argv: string[]): string[] {
  const booleans = Object.entries(FLAGS)
    .filter(([name, spec]) => spec.boolean && name !== 'help')
    .map(([name]) => `--${name}`);
  return argv.map((arg) => (booleans.includes(arg) ? `${arg}=true` : arg));
}

/** Parses argv (without node and script). Throws ConfigError with one line for the user. */
export function parseCommandLine(argv: string[], environment: RuntimeEnvironment = {}): ParsedCommandLine {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(
      Object.keys(FLAGS).map((name) => [name, { type: name === 'help' ? 'boolean' : 'string' }] as const),
    );
    ({ values } = parseArgs({
      args: normaliseBooleans(argv),
      options,
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError(`${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  if (values.help) return { help: true };
  const withDefaults: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(FLAGS)) {
    if (name !== 'help') withDefaults[name] = values[name] ?? spec.default;
  }
  const parsed = schema.safeParse(withDefaults);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path[0] ? `--${String(issue.path[0])}: ` : '';
    throw new ConfigError(issue.message.startsWith('--') ? issue.message : `${flag}${issue.message}`);
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
      logLevel: c['log-level'],
      loggingFormat: c['logging-format'],
    },
  };
}

export function helpText(): string {
  const lines = [
    'Usage: pwk-controller [flags]',
    '',
    'Reconciles every Foo to spec.location "Los Angeles".',
    '',
    'Flags:',
  ];
  for (const [name, spec] of Object.entries(FLAGS)) {
    const def = spec.default !== undefined ? ` (default ${JSON.stringify(spec.default)})` : '';
    lines.push(`  --${name}${spec.boolean ? '' : ' <value>'}`, `      ${spec.description}${def}`);
  }
  return `${lines.join('\n')}\n`;
}
