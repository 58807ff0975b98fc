/**
 * The command line. Flag names follow k8s.io/apiserver wherever the concept is the same, and
 * they parse as pflag parses them (command-line.ts), so an operator's muscle memory works.
 * Validation is one Zod schema, and a bad flag stops start-up with one clear line.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  INVALID,
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
import { DEFAULT_FILE_STORE_SYNC, FILE_STORE_SYNC_MODES } from '../storage/file/sync-mode';
import type { FileStoreSync } from '../storage/file/sync-mode';
import type { FlagSpecs } from '@pwk/process';
import { OBSERVABILITY_FLAGS, observabilityConfig, observabilityFlagShape } from './observability-flags';
import type { ObservabilityConfig } from './observability-flags';

export { ConfigError };

/** The admission plugins pwk runs, in kube-apiserver's order (names as kube's). */
export const ADMISSION_PLUGINS = [
  'NamespaceLifecycle',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
] as const;
export type AdmissionPluginName = (typeof ADMISSION_PLUGINS)[number];

export const FLAGS: FlagSpecs = {
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
  storage: {
    description:
      'Storage backend: "file" (embedded, one replica) or "etcd" (--etcd-servers; any number of replicas).',
    default: 'file',
  },
  'data-dir': { description: 'Directory of the file store.', default: './data' },
  'file-store-sync': {
    description:
      'How the file store makes a write durable before acknowledging it: "per-object" (fsync of each object file and its directory) or "log" (one shared fdatasync of a write-ahead log per batch of concurrent writes; the object files follow within a bounded delay; docs/file-store-wal.md).',
    default: DEFAULT_FILE_STORE_SYNC,
  },
  'etcd-servers': {
    description: 'Comma-separated etcd endpoints (http(s)://host:port) for --storage=etcd.',
    default: '',
  },
  'etcd-prefix': { description: 'The prefix of every key pwk writes in etcd.', default: '/registry' },
  'etcd-cafile': { description: "CA bundle that etcd's serving certificate is verified against." },
  'etcd-certfile': { description: 'Client certificate for etcd (with --etcd-keyfile).' },
  'etcd-keyfile': { description: 'Private key of --etcd-certfile.' },
  'event-window': {
    description: 'Changes the store retains for watch resumption and paged lists (older revisions get 410).',
    default: '10000',
  },
  'token-auth-file': {
    description: 'Static token file (Kubernetes CSV format: token,user,uid,"group1,group2").',
  },
  'client-ca-file': {
    description:
      'CA bundle that client certificates are verified against (CN = user, O = groups). Default: client-ca-file of the kube-system/extension-apiserver-authentication ConfigMap.',
  },
  'requestheader-client-ca-file': {
    description:
      'CA bundle for the front proxy (the aggregator): only a client certificate it signed may name the user in the request headers. Default: from the kube-system/extension-apiserver-authentication ConfigMap, with the header names there.',
  },
  'requestheader-allowed-names': {
    description:
      'Comma-separated client certificate common names allowed to act as front proxy; empty: any name the request-header CA signed.',
    default: '',
  },
  'requestheader-username-headers': {
    description: 'Comma-separated request headers to take the user name from; the first one present wins.',
    default: 'X-Remote-User',
  },
  'requestheader-group-headers': {
    description: 'Comma-separated request headers to take the groups from; every value counts.',
    default: 'X-Remote-Group',
  },
  'requestheader-extra-headers-prefix': {
    description: 'Comma-separated request header prefixes for extra user information (X-Remote-Extra-<key>).',
    default: 'X-Remote-Extra-',
  },
  kubeconfig: {
    description:
      'kubeconfig of the kube-apiserver to delegate to, for both --authentication-kubeconfig and --authorization-kubeconfig where those are not given. Without any, in a pod: the in-cluster service account; elsewhere: standalone.',
  },
  'authentication-kubeconfig': {
    description:
      'kubeconfig of the kube-apiserver for TokenReview and the extension-apiserver-authentication ConfigMap.',
  },
  'authorization-kubeconfig': {
    description: 'kubeconfig of the kube-apiserver for SubjectAccessReview.',
  },
  'authentication-skip-lookup': {
    description: 'Do not read the extension-apiserver-authentication ConfigMap; CAs come from flags only.',
    boolean: true,
  },
  'authentication-tolerate-lookup-failure': {
    description: 'Start even when the extension-apiserver-authentication ConfigMap cannot be read.',
    boolean: true,
  },
  'authentication-token-webhook-cache-ttl': {
    description: 'How long TokenReview answers are cached.',
    default: '10s',
  },
  'authorization-webhook-cache-authorized-ttl': {
    description: 'How long "allowed" SubjectAccessReview answers are cached.',
    default: '10s',
  },
  'authorization-webhook-cache-unauthorized-ttl': {
    description: 'How long "denied" SubjectAccessReview answers are cached.',
    default: '10s',
  },
  'authorization-policy-file': {
    description:
      'Local authorization grants, one Kubernetes ABAC policy per line ({"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"devs","namespace":"*","apiGroup":"*","resource":"*","readonly":true}}), allowed in addition to system:masters (and to the SubjectAccessReview when delegating).',
  },
  'authorization-always-allow': {
    description:
      "Allow every request of every authenticated user (Kubernetes' AlwaysAllow mode), for demos only; without it, standalone, only system:masters and --authorization-policy-file's grants are allowed.",
    boolean: true,
  },
  'authorization-always-allow-paths': {
    description:
      'Comma-separated non-resource paths every authenticated or anonymous caller may request without a SubjectAccessReview ("/p/*" matches the prefix).',
    default: '/healthz,/readyz,/livez',
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
  'max-requests-inflight': {
    description:
      'Most read-only requests (get, list) served at once, 429 beyond; watches do not count; 0: no limit.',
    default: '400',
  },
  'max-mutating-requests-inflight': {
    description: 'Most mutating requests served at once, 429 beyond; 0: no limit.',
    default: '200',
  },
  'request-timeout': {
    description:
      'Longest time a non-watch request may take (504 beyond); a shorter ?timeout= in the request wins.',
    default: '60s',
  },
  'enable-garbage-collector': {
    description:
      "Whether a garbage collector serves this API (kube-apiserver's flag): with it, Orphan and Foreground deletions set the collector's finalizers and wait for it; without (=false, e.g. standalone with no kube-controller-manager), they delete at once.",
    boolean: true,
    default: 'true',
  },
  'disable-admission-plugins': {
    description: `Admission plugins to turn off, comma-separated (${ADMISSION_PLUGINS.join(', ')}). They run with a core API to read (--kubeconfig or in a pod); standalone, only the webhooks and policies of --admission-control-config-file's static manifests run.`,
    default: '',
  },
  'tls-min-version': {
    description: 'Lowest TLS version accepted: VersionTLS12 or VersionTLS13.',
    default: 'VersionTLS12',
  },
  'logging-format': { description: 'Log format: "json" or "text" (default: text on a terminal, else json).' },
  v: {
    description:
      "Log verbosity, as klog's: 0-1 info; 2-3 info, and the access log adds the client address and the Accept and Content-Type headers; 4 and above debug.",
    default: '0',
    shorthand: 'v',
  },
  'log-level': { description: 'Log level by name (error, warn, info, debug); overrides -v.' },
  'access-log-level': { description: 'Level of the one-line-per-request access log.', default: 'info' },
  help: { description: 'Print this help and exit.', boolean: true, shorthand: 'h' },
  version: { description: 'Print the version and exit.', boolean: true },
  'admission-control-config-file': {
    description:
      "kube-apiserver's AdmissionConfiguration (apiserver.config.k8s.io/v1): per plugin, e.g. MutatingAdmissionWebhook / ValidatingAdmissionWebhook with a WebhookAdmissionConfiguration (ValidatingAdmissionPolicy with a ValidatingAdmissionPolicyConfiguration) whose staticManifestsDir holds webhook configurations (policies and bindings) to apply, with or without a cluster.",
  },
  ...OBSERVABILITY_FLAGS,
};

/** A comma-separated list flag, as k8s' StringSlice flags take it; empty items are dropped. */
const list = z.string().transform((text) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
);

/** Kubernetes' --bind-address is an IP (pflag's IP type): no host names. */
const ipAddress = (flag: string) =>
  flagValue(flag, 'must be an IP address', (text) => (isIP(text) ? text : INVALID));

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

const configSchema = z
  .object({
    'bind-address': ipAddress('bind-address'),
    'secure-port': intFlag('secure-port', 0, 65535),
    'tls-cert-file': z.string().optional(),
    'tls-private-key-file': z.string().optional(),
    'cert-dir': nonEmptyFlag('cert-dir'),
    storage: oneOfFlag('storage', ['file', 'etcd']),
    'data-dir': nonEmptyFlag('data-dir'),
    'file-store-sync': oneOfFlag('file-store-sync', FILE_STORE_SYNC_MODES),
    'etcd-servers': list,
    'etcd-prefix': z.string(),
    'etcd-cafile': z.string().optional(),
    'etcd-certfile': z.string().optional(),
    'etcd-keyfile': z.string().optional(),
    'event-window': intFlag('event-window', 100, 10_000_000),
    'token-auth-file': z.string().optional(),
    'client-ca-file': z.string().optional(),
    'requestheader-client-ca-file': z.string().optional(),
    'requestheader-allowed-names': list,
    'requestheader-username-headers': list,
    'requestheader-group-headers': list,
    'requestheader-extra-headers-prefix': list,
    kubeconfig: z.string().optional(),
    'authentication-kubeconfig': z.string().optional(),
    'authorization-kubeconfig': z.string().optional(),
    'authentication-token-webhook-cache-ttl': durationFlag('authentication-token-webhook-cache-ttl'),
    'authorization-webhook-cache-authorized-ttl': durationFlag('authorization-webhook-cache-authorized-ttl'),
    'authorization-webhook-cache-unauthorized-ttl': durationFlag(
      'authorization-webhook-cache-unauthorized-ttl',
    ),
    'authorization-policy-file': z.string().optional(),
    'authorization-always-allow-paths': list,
    'shutdown-delay-duration': durationFlag('shutdown-delay-duration'),
    'shutdown-timeout': durationFlag('shutdown-timeout'),
    'min-request-timeout': durationFlag('min-request-timeout'),
    'max-request-bytes': intFlag('max-request-bytes', 1024, 1 << 30),
    'max-requests-inflight': intFlag('max-requests-inflight', 0, 1_000_000),
    'max-mutating-requests-inflight': intFlag('max-mutating-requests-inflight', 0, 1_000_000),
    'request-timeout': durationFlag('request-timeout'),
    'disable-admission-plugins': list.refine(
      (names) => names.every((n) => (ADMISSION_PLUGINS as readonly string[]).includes(n)),
      { message: `--disable-admission-plugins: the plugins are ${ADMISSION_PLUGINS.join(', ')}` },
    ),
    'tls-min-version': oneOfFlag('tls-min-version', ['VersionTLS12', 'VersionTLS13']),
    'logging-format': oneOfFlag('logging-format', ['json', 'text']).optional(),
    v: verbosityFlag('v'),
    'log-level': oneOfFlag('log-level', LEVELS).optional(),
    'access-log-level': oneOfFlag('access-log-level', LEVELS),
    'admission-control-config-file': z.string().optional(),
    ...observabilityFlagShape,
  })
  .refine((c) => Boolean(c['tls-cert-file']) === Boolean(c['tls-private-key-file']), {
    message: '--tls-cert-file and --tls-private-key-file must be given together',
  })
  .refine((c) => c.storage !== 'etcd' || c['etcd-servers'].length > 0, {
    message: '--storage=etcd needs --etcd-servers',
  })
  .refine((c) => Boolean(c['etcd-certfile']) === Boolean(c['etcd-keyfile']), {
    message: '--etcd-certfile and --etcd-keyfile must be given together',
  });

export type LogLevel = (typeof LEVELS)[number];

/** Where the front proxy's identity headers are trusted from, and what they are called. */
export interface RequestHeaderFlags {
  /** --requestheader-client-ca-file; when absent, all request-header settings come from the ConfigMap. */
  clientCAFile?: string;
  allowedNames: string[];
  usernameHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
}

export interface EtcdFlags {
  servers: string[];
  prefix: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface ServerConfig extends ObservabilityConfig {
  bindAddress: string;
  securePort: number;
  tls?: { certFile: string; keyFile: string };
  certDir: string;
  storage: 'file' | 'etcd';
  dataDir: string;
  fileStoreSync: FileStoreSync;
  /** Where --storage=etcd connects. */
  etcd: EtcdFlags;
  eventWindow: number;
  tokenAuthFile?: string;
  clientCAFile?: string;
  requestHeader: RequestHeaderFlags;
  /** --kubeconfig: the default for both of the following. */
  kubeconfig?: string;
  authenticationKubeconfig?: string;
  authorizationKubeconfig?: string;
  authenticationSkipLookup: boolean;
  authenticationTolerateLookupFailure: boolean;
  tokenWebhookCacheTtlMs: number;
  authorizationAllowedCacheTtlMs: number;
  authorizationDeniedCacheTtlMs: number;
  authorizationAlwaysAllowPaths: string[];
  /** --authorization-policy-file: ABAC policies granting more than system:masters. */
  authorizationPolicyFile?: string;
  /** --authorization-always-allow: k8s' AlwaysAllow mode. */
  authorizationAlwaysAllow: boolean;
  /** Orphan / Foreground deletions set the garbage collector's finalizers (kube's default). */
  enableGarbageCollector: boolean;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  /** --request-timeout; 0 disables it. */
  requestTimeoutMs: number;
  tlsMinVersion: 'TLSv1.2' | 'TLSv1.3';
  shutdownDelayMs: number;
  shutdownTimeoutMs: number;
  minRequestTimeoutMs: number;
  maxRequestBytes: number;
  /** The admission plugins that run when there is a core API to read. */
  admissionPlugins: AdmissionPluginName[];
  loggingFormat?: 'json' | 'text';
  logLevel: LogLevel;
  /** -v: 2 and above, the access log says more about each request. */
  verbosity: number;
  accessLogLevel: LogLevel;
  /** --admission-control-config-file, resolved to an absolute path. */
  admissionControlConfigFile?: string;
}

/** `help`: --help or --version was given; print `text` and exit 0. */
export type ParsedCommandLine = { help: true; text: string } | { help: false; config: ServerConfig };

const PACKAGE_JSON = path.join(__dirname, '..', '..', 'package.json');

/** Parses argv (without node and script). Throws ConfigError with one line for the user. */
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const values = readFlags(argv, FLAGS, 'pwk-apiserver');
  if (values.help === 'true') return { help: true, text: helpText() };
  if (values.version === 'true') {
    const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
    return { help: true, text: `pwk-apiserver v${version}\n` };
  }
  const withDefaults: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(FLAGS)) {
    if (spec.boolean) continue;
    withDefaults[name] = values[name] ?? spec.default;
  }
  const parsed = configSchema.safeParse(withDefaults);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Custom issues carry their whole line; Zod's own need the flag's name.
    const flag = issue.path[0] ? `--${String(issue.path[0])}: ` : '';
    throw new ConfigError(issue.code === 'custom' ? issue.message : `${flag}${issue.message}`);
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
      fileStoreSync: c['file-store-sync'],
      etcd: {
        servers: c['etcd-servers'],
        prefix: c['etcd-prefix'],
        caFile: c['etcd-cafile'],
        certFile: c['etcd-certfile'],
        keyFile: c['etcd-keyfile'],
      },
      eventWindow: c['event-window'],
      tokenAuthFile: c['token-auth-file'],
      clientCAFile: c['client-ca-file'],
      requestHeader: {
        clientCAFile: c['requestheader-client-ca-file'],
        allowedNames: c['requestheader-allowed-names'],
        usernameHeaders: c['requestheader-username-headers'],
        groupHeaders: c['requestheader-group-headers'],
        extraHeaderPrefixes: c['requestheader-extra-headers-prefix'],
      },
      kubeconfig: c.kubeconfig,
      authenticationKubeconfig: c['authentication-kubeconfig'],
      authorizationKubeconfig: c['authorization-kubeconfig'],
      authenticationSkipLookup: values['authentication-skip-lookup'] === 'true',
      authenticationTolerateLookupFailure: values['authentication-tolerate-lookup-failure'] === 'true',
      tokenWebhookCacheTtlMs: c['authentication-token-webhook-cache-ttl'],
      authorizationAllowedCacheTtlMs: c['authorization-webhook-cache-authorized-ttl'],
      authorizationDeniedCacheTtlMs: c['authorization-webhook-cache-unauthorized-ttl'],
      authorizationAlwaysAllowPaths: c['authorization-always-allow-paths'],
      authorizationPolicyFile: c['authorization-policy-file'],
      authorizationAlwaysAllow: values['authorization-always-allow'] === 'true',
      enableGarbageCollector: (values['enable-garbage-collector'] ?? 'true') === 'true',
      maxRequestsInflight: c['max-requests-inflight'],
      maxMutatingRequestsInflight: c['max-mutating-requests-inflight'],
      requestTimeoutMs: c['request-timeout'],
      tlsMinVersion: c['tls-min-version'] === 'VersionTLS13' ? 'TLSv1.3' : 'TLSv1.2',
      shutdownDelayMs: c['shutdown-delay-duration'],
      shutdownTimeoutMs: c['shutdown-timeout'],
      minRequestTimeoutMs: c['min-request-timeout'],
      maxRequestBytes: c['max-request-bytes'],
      admissionPlugins: ADMISSION_PLUGINS.filter((p) => !c['disable-admission-plugins'].includes(p)),
      loggingFormat: c['logging-format'],
      logLevel: c['log-level'] ?? logLevelForVerbosity(c.v),
      verbosity: c.v,
      accessLogLevel: c['access-log-level'],
      admissionControlConfigFile: c['admission-control-config-file']
        ? path.resolve(c['admission-control-config-file'])
        : undefined,
      ...observabilityConfig(c),
    },
  };
}

export function helpText(): string {
  return formatHelp({
    usage: 'pwk-apiserver [flags]',
    about: 'pwk aggregated API server: serves the kinds it installs as a CRD would.',
    flags: FLAGS,
  });
}
