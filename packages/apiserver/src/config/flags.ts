/**
 * The command line. Flag names follow k8s.io/apiserver wherever the concept is the same, so
 * an operator's muscle memory works. Parsing is node:util parseArgs; validation is one Zod
 * schema, and a bad flag stops start-up with one clear line.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseDuration } from './duration';

interface FlagSpec {
  description: string;
  default?: string;
  /** Boolean flags take no value. */
  boolean?: boolean;
}

export const FLAGS: Record<string, FlagSpec> = {
  'bind-address': { description: 'The IP address on which to listen for --secure-port.', default: '0.0.0.0' },
  'secure-port': { description: 'The port on which to serve HTTPS.', default: '8443' },
  'tls-cert-file': {
    description: 'File with the x509 certificate for HTTPS (CA cert, if any, after the server cert).',
  },
  'tls-private-key-file': { description: 'File with the x509 private key matching --tls-cert-file.' },
  'cert-dir': {
    description:
      'Directory for the self-signed certificate generated when --tls-cert-file/--tls-private-key-file are not given.',
    default: 'apiserver.local.config/certificates',
  },
  storage: { description: 'Storage backend: "file" (embedded, one replica).', default: 'file' },
  'data-dir': { description: 'Directory of the file store.', default: './data' },
  'event-window': {
    description: 'Changes the store retains for watch resumption and paged lists (older revisions get 410).',
    default: '10000',
  },
  'token-auth-file': {
    description: 'Static token file (Kubernetes CSV format: token,user,uid,"group1,group2").',
  },
  'client-ca-file': {
    description: 'CA bundle that client certificates are verified against (CN = user, O = groups).',
  },
  'shutdown-delay-duration': {
    description:
      'After SIGTERM, /readyz fails at once and requests are still served for this long before shutdown.',
    default: '0s',
  },
  'shutdown-timeout': {
    description:
      'After the delay, how long in-flight requests may take to finish before the server exits anyway.',
    default: '60s',
  },
  'min-request-timeout': {
    description: 'Watches without timeoutSeconds end after a random time between this and twice this.',
    default: '1800s',
  },
  'max-request-bytes': { description: 'Largest request body accepted (413 beyond).', default: '3145728' },
  'logging-format': { description: 'Log format: "json" or "text" (default: text on a terminal, else json).' },
  v: { description: 'Log level: error, warn, info, debug.', default: 'info' },
  'access-log-level': { description: 'Level of the one-line-per-request access log.', default: 'info' },
  help: { description: 'Print this help and exit.', boolean: true },
};

const duration = (flag: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `--${flag}: invalid duration "${text}" (examples: 30s, 1m30s, 0)`,
      });
      return z.NEVER;
    }
    return ms;
  });

const int = (flag: string, min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || n < min || n > max) {
      ctx.addIssue({
        code: 'custom',
        message: `--${flag}: must be an integer from ${min} to ${max}, got "${text}"`,
      });
      return z.NEVER;
    }
    return n;
  });

const oneOf = <T extends string>(flag: string, values: readonly [T, ...T[]]) =>
  z.string().refine((v): v is T => (values as readonly string[]).includes(v), {
    message: `--${flag}: must be one of ${values.join(', ')}`,
  }) as unknown as z.ZodType<T, string>;

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

const configSchema = z
  .object({
    'bind-address': z.ipv4({ message: '--bind-address: must be an IPv4 address' }).or(z.ipv6()),
    'secure-port': int('secure-port', 0, 65535),
    'tls-cert-file': z.string().optional(),
    'tls-private-key-file': z.string().optional(),
    'cert-dir': z.string().min(1),
    storage: oneOf('storage', ['file']),
    'data-dir': z.string().min(1),
    'event-window': int('event-window', 100, 10_000_000),
    'token-auth-file': z.string().optional(),
    'client-ca-file': z.string().optional(),
    'shutdown-delay-duration': duration('shutdown-delay-duration'),
    'shutdown-timeout': duration('shutdown-timeout'),
    'min-request-timeout': duration('min-request-timeout'),
    'max-request-bytes': int('max-request-bytes', 1024, 1 << 30),
    'logging-format': oneOf('logging-format', ['json', 'text']).optional(),
    v: oneOf('v', LEVELS),
    'access-log-level': oneOf('access-log-level', LEVELS),
  })
  .refine((c) => Boolean(c['tls-cert-file']) === Boolean(c['tls-private-key-file']), {
    message: '--tls-cert-file and --tls-private-key-file must be given together',
  });

export type LogLevel = (typeof LEVELS)[number];

export interface ServerConfig {
  bindAddress: string;
  securePort: number;
  tls?: { certFile: string; keyFile: string };
  certDir: string;
  storage: 'file';
  dataDir: string;
  eventWindow: number;
  tokenAuthFile?: string;
  clientCAFile?: string;
  shutdownDelayMs: number;
  shutdownTimeoutMs: number;
  minRequestTimeoutMs: number;
  maxRequestBytes: number;
  loggingFormat?: 'json' | 'text';
  logLevel: LogLevel;
  accessLogLevel: LogLevel;
}

export class ConfigError extends Error {}

export type ParsedCommandLine = { help: true } | { help: false; config: ServerConfig };

/** Parses argv (without node and script). Throws ConfigError with one line for the user. */
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(
      Object.entries(FLAGS).map(
        ([name, spec]) => [name, { type: spec.boolean ? 'boolean' : 'string' }] as const,
      ),
    );
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ConfigError(`${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  if (values.help) return { help: true };
  const withDefaults: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(FLAGS)) {
    if (spec.boolean) continue;
    withDefaults[name] = values[name] ?? spec.default;
  }
  const parsed = configSchema.safeParse(withDefaults);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path[0] ? `--${String(issue.path[0])}: ` : '';
    throw new ConfigError(issue.message.startsWith('--') ? issue.message : `${flag}${issue.message}`);
  }
  const c = parsed.data;
  const certFile = c['tls-cert-file'];
  const keyFile = c['tls-private-key-file'];
  return {
    help: false,
    config: {
      bindAddress: c['bind-address'],
      securePort: c['secure-port'],
      tls: certFile && keyFile ? { certFile, keyFile } : undefined,
      certDir: path.resolve(c['cert-dir']),
      storage: c.storage,
      dataDir: path.resolve(c['data-dir']),
      eventWindow: c['event-window'],
      tokenAuthFile: c['token-auth-file'],
      clientCAFile: c['client-ca-file'],
      shutdownDelayMs: c['shutdown-delay-duration'],
      shutdownTimeoutMs: c['shutdown-timeout'],
      minRequestTimeoutMs: c['min-request-timeout'],
      maxRequestBytes: c['max-request-bytes'],
      loggingFormat: c['logging-format'],
      logLevel: c.v,
      accessLogLevel: c['access-log-level'],
    },
  };
}

export function helpText(): string {
  const lines = [
    'Usage: pwk-apiserver [flags]',
    '',
    'pwk aggregated API server for foos.bar.pwk.educative.io.',
    '',
    'Flags:',
  ];
  for (const [name, spec] of Object.entries(FLAGS)) {
    const def = spec.default !== undefined ? ` (default ${JSON.stringify(spec.default)})` : '';
    lines.push(`  --${name}${spec.boolean ? '' : ' <value>'}`, `      ${spec.description}${def}`);
  }
  return `${lines.join('\n')}\n`;
}
