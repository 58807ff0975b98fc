/**
 * How to reach the kube-apiserver that authentication and authorization are delegated to: a
 * kubeconfig file (its current context) or, in a pod, the in-cluster service account — the same
 * choice k8s.io/apiserver makes with --authentication-kubeconfig / --authorization-kubeconfig and
 * rest.InClusterConfig(). Only static credentials are supported (token, token file, client
 * certificate); exec plugins, auth providers and basic auth are refused with a clear error rather
 * than silently ignored.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export interface ClusterConnection {
  /** `https://host:port`, without a trailing slash. */
  server: string;
  ca?: Buffer;
  insecureSkipTLSVerify: boolean;
  tlsServerName?: string;
  token?: string;
  /** Re-read now and then: projected service-account tokens rotate. */
  tokenFile?: string;
  clientCert?: Buffer;
  clientKey?: Buffer;
  /** Where this came from, for logs. */
  source: string;
}

/** Where the in-cluster service account's files are mounted. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const clusterSchema = z.object({
  server: z.string().min(1),
  'certificate-authority': z.string().optional(),
  'certificate-authority-data': z.string().optional(),
  'insecure-skip-tls-verify': z.boolean().optional(),
  'tls-server-name': z.string().optional(),
});

const userSchema = z
  .object({
    token: z.string().optional(),
    tokenFile: z.string().optional(),
    'client-certificate': z.string().optional(),
    'client-certificate-data': z.string().optional(),
    'client-key': z.string().optional(),
    'client-key-data': z.string().optional(),
    exec: z.unknown().optional(),
    'auth-provider': z.unknown().optional(),
    username: z.string().optional(),
  })
  .nullish();

const kubeconfigSchema = z.object({
  'current-context': z.string().optional(),
  clusters: z.array(z.object({ name: z.string(), cluster: clusterSchema })).default([]),
  users: z.array(z.object({ name: z.string(), user: userSchema })).default([]),
  contexts: z
    .array(
      z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string().optional() }) }),
    )
    .default([]),
});

/** Reads the current context of a kubeconfig file. Errors name the file and what is wrong. */
export async function loadKubeconfig(file: string): Promise<ClusterConnection> {
  const where = `kubeconfig "${file}"`;
  const parsed = kubeconfigSchema.safeParse(parseYaml(await readText(file, where)) ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${where}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const config = parsed.data;
  const contextName = config['current-context'];
  const context = config.contexts.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`${where}: the current context "${contextName ?? ''}" is not defined`);
  const cluster = config.clusters.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster) throw new Error(`${where}: cluster "${context.cluster}" is not defined`);
  const user = config.users.find((u) => u.name === context.user)?.user ?? {};
  if (user.exec !== undefined || user['auth-provider'] !== undefined || user.username !== undefined) {
    throw new Error(`${where}: only token, tokenFile and client certificate credentials are supported`);
  }
  // Relative paths in a kubeconfig are relative to the file, as client-go resolves them.
  const resolve = (p: string | undefined) =>
    p === undefined ? undefined : path.resolve(path.dirname(file), p);
  const material = (data: string | undefined, fileName: string | undefined) =>
    data !== undefined ? Promise.resolve(Buffer.from(data, 'base64')) : readBytes(resolve(fileName), where);
  const [ca, clientCert, clientKey] = await Promise.all([
    material(cluster['certificate-authority-data'], cluster['certificate-authority']),
    material(user['client-certificate-data'], user['client-certificate']),
    material(user['client-key-data'], user['client-key']),
  ]);
  if (Boolean(clientCert) !== Boolean(clientKey)) {
    throw new Error(`${where}: a client certificate needs its key and the other way round`);
  }
  return {
    server: serverUrl(cluster.server, where),
    ca,
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] ?? false,
    tlsServerName: cluster['tls-server-name'],
    token: user.token,
    tokenFile: resolve(user.tokenFile),
    clientCert,
    clientKey,
    source: where,
  };
}

/**
 * The in-cluster config when running in a pod (KUBERNETES_SERVICE_HOST and _PORT set, as the
 * kubelet does), undefined elsewhere. In a pod, a missing token or CA file is an error.
 */
export async function inClusterConnection(opts: {
  env: Record<string, string | undefined>;
  serviceAccountDir: string;
}): Promise<ClusterConnection | undefined> {
  const host = opts.env.KUBERNETES_SERVICE_HOST;
  const port = opts.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return undefined;
  const where = 'the in-cluster service account';
  const tokenFile = path.join(opts.serviceAccountDir, 'token');
  const [ca] = await Promise.all([
    readBytes(path.join(opts.serviceAccountDir, 'ca.crt'), where),
    readText(tokenFile, where),
  ]);
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca,
    insecureSkipTLSVerify: false,
    tokenFile,
    source: where,
  };
}

/**
 * The connection for one purpose (authentication or authorization): its own kubeconfig flag,
 * else --kubeconfig, else in-cluster, else undefined (standalone).
 */
export async function resolveClusterConnection(opts: {
  kubeconfig?: string;
  fallbackKubeconfig?: string;
  env: Record<string, string | undefined>;
  serviceAccountDir?: string;
}): Promise<ClusterConnection | undefined> {
  const file = opts.kubeconfig ?? opts.fallbackKubeconfig;
  if (file) return loadKubeconfig(file);
  return inClusterConnection({
    env: opts.env,
    serviceAccountDir: opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR,
  });
}

function serverUrl(server: string, where: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`${where}: server "${server}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`${where}: server "${server}" must be https`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

// Duck-typed: fs errors are not `instanceof Error` across realms (e.g. under jest).
const errorMessage = (err: unknown): string =>
  typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);

async function readText(file: string, where: string): Promise<string> {
  return (await readBytes(file, where))!.toString('utf8');
}

async function readBytes(file: string | undefined, where: string): Promise<Buffer | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file);
  } catch (err) {
    throw new Error(`${where}: cannot read "${file}": ${errorMessage(err)}`);
  }
}
