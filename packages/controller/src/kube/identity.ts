/**
 * Who the controller says it is to the API server. Kubernetes records each write under a field
 * manager — the request's `fieldManager`, else the User-Agent's program name — so without both
 * every write showed up in managedFields as `node-fetch` (client-node's HTTP library).
 *
 * The User-Agent has client-go's shape (`kubectl/v1.32.0 (linux/amd64) kubernetes/…`): program
 * and version, then Go's names for the OS and architecture, then the client library.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';

/** The `fieldManager` of every write the controller makes. */
export const FIELD_MANAGER = 'pwk-controller';

/** Go's GOARCH for Node's process.arch, where they differ. */
const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', ppc: 'ppc', ppc64: 'ppc64le' };

function packageVersion(): string {
  // src/kube/ and dist/kube/ are both two levels below the package root.
  const file = path.join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export function userAgent(
  platform: string = process.platform,
  arch: string = process.arch,
  version: string = packageVersion(),
): string {
  return `${FIELD_MANAGER}/${version} (${platform}/${GO_ARCH[arch] ?? arch}) kubernetes-client-node`;
}

/**
 * The kubeconfig for client-node's Watch, which makes its own requests (not through the
 * generated clients' middleware): the same credentials, plus the User-Agent.
 */
export function withUserAgent(kc: KubeConfig, agent: string): KubeConfig {
  const decorated = Object.create(kc) as KubeConfig;
  decorated.applyToFetchOptions = async (opts) => {
    const init = await kc.applyToFetchOptions(opts);
    (init.headers as { set(name: string, value: string): void }).set('User-Agent', agent);
    return init;
  };
  return decorated;
}
