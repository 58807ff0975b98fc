/**
 * The CAs and front-proxy header names authentication depends on, and where they come from:
 * flags first (--client-ca-file; --requestheader-client-ca-file with the other --requestheader-*
 * flags), else the kube-system/extension-apiserver-authentication ConfigMap the kube-apiserver
 * publishes — as k8s' DelegatingAuthenticationOptions does. Both are re-read periodically so a CA
 * rotated in the ConfigMap or in a file applies without a restart; a failed re-read keeps the last
 * good configuration.
 */
import { readFile } from 'node:fs/promises';
import type { RequestHeaderFlags } from '../config/flags';
import type { Logger } from '../logging/logger';
import type { CertificateBundle } from './certificate-bundle';
import { parseCertificateBundle } from './certificate-bundle';
import type { KubeClient } from './kube-client';
import { KubeApiError } from './kube-client';
import type { RequestHeaderNames } from './request-header';

export interface RequestHeaderSource extends RequestHeaderNames {
  ca: CertificateBundle;
  /** Common names allowed to act as front proxy; empty: any certificate the CA signed. */
  allowedNames: readonly string[];
}

export interface AuthenticationSources {
  clientCA?: CertificateBundle;
  requestHeader?: RequestHeaderSource;
}

export const AUTHENTICATION_CONFIGMAP_PATH =
  '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication';

export interface LoadSourcesOptions {
  clientCAFile?: string;
  requestHeader: RequestHeaderFlags;
  /** Reads the ConfigMap; absent: flags only. */
  client?: KubeClient;
}

/** Reads the current configuration once. Throws when a file or the ConfigMap cannot be read. */
export async function loadAuthenticationSources(options: LoadSourcesOptions): Promise<AuthenticationSources> {
  const { clientCAFile, requestHeader } = options;
  const needsLookup = !clientCAFile || !requestHeader.clientCAFile;
  const data = needsLookup && options.client ? await readConfigMap(options.client) : {};
  const clientCA = clientCAFile ? await readBundle(clientCAFile) : bundleFromKey(data, 'client-ca-file');
  if (requestHeader.clientCAFile) {
    return {
      clientCA,
      requestHeader: { ...requestHeader, ca: await readBundle(requestHeader.clientCAFile) },
    };
  }
  const requestHeaderCA = bundleFromKey(data, 'requestheader-client-ca-file');
  if (!requestHeaderCA) return { clientCA };
  return {
    clientCA,
    requestHeader: {
      ca: requestHeaderCA,
      allowedNames: stringsFromKey(data, 'requestheader-allowed-names'),
      usernameHeaders: stringsFromKey(data, 'requestheader-username-headers'),
      groupHeaders: stringsFromKey(data, 'requestheader-group-headers'),
      extraHeaderPrefixes: stringsFromKey(data, 'requestheader-extra-headers-prefix'),
    },
  };
}

export interface LiveSources {
  current(): AuthenticationSources;
  /** Called after each change, e.g. to give the TLS server the new CA names. */
  onChange(listener: (sources: AuthenticationSources) => void): void;
  /** Re-reads now (the timer calls this). */
  refresh(): Promise<void>;
  stop(): void;
}

/** Loads once, then every `intervalMs`; changes are logged and announced. */
export function keepSourcesFresh(opts: {
  load: () => Promise<AuthenticationSources>;
  intervalMs: number;
  logger: Logger;
  initial: AuthenticationSources;
}): LiveSources {
  let current = opts.initial;
  const listeners: Array<(sources: AuthenticationSources) => void> = [];
  let running: Promise<void> | undefined;
  const refresh = () =>
    (running ??= (async () => {
      try {
        const next = await opts.load();
        if (fingerprint(next) === fingerprint(current)) return;
        current = next;
        opts.logger.info('authentication configuration changed', describeSources(next));
        for (const listener of listeners) listener(next);
      } catch (err) {
        opts.logger.warn('cannot refresh the authentication configuration; keeping the last one', {
          error: String((err as Error).message ?? err),
        });
      } finally {
        running = undefined;
      }
    })());
  const timer = setInterval(() => void refresh(), opts.intervalMs);
  timer.unref();
  return {
    current: () => current,
    onChange: (listener) => listeners.push(listener),
    refresh,
    stop: () => clearInterval(timer),
  };
}

/** What the start-up log says about the sources (never the certificates themselves). */
export function describeSources(sources: AuthenticationSources): Record<string, unknown> {
  return {
    clientCA: sources.clientCA?.certificates.map((c) => c.subject.replace(/\n/g, ', ')) ?? [],
    requestHeaderCA: sources.requestHeader?.ca.certificates.map((c) => c.subject.replace(/\n/g, ', ')) ?? [],
    requestHeaderAllowedNames: sources.requestHeader?.allowedNames ?? [],
  };
}

const fingerprint = (sources: AuthenticationSources): string =>
  JSON.stringify({
    clientCA: sources.clientCA?.pem,
    requestHeader: sources.requestHeader && { ...sources.requestHeader, ca: sources.requestHeader.ca.pem },
  });

async function readConfigMap(client: KubeClient): Promise<Record<string, string>> {
  try {
    const configMap = (await client.request({ method: 'GET', path: AUTHENTICATION_CONFIGMAP_PATH })) as {
      data?: Record<string, string>;
    };
    return configMap.data ?? {};
  } catch (err) {
    // k8s: a missing ConfigMap means the cluster publishes nothing; anything else is an error.
    if (err instanceof KubeApiError && err.code === 404) return {};
    if (err instanceof KubeApiError && err.code === 403) {
      throw new Error(
        `cannot read configmap/extension-apiserver-authentication in kube-system (${err.message}); usually fixed by binding the role extension-apiserver-authentication-reader in kube-system to the service account`,
      );
    }
    throw err;
  }
}

async function readBundle(file: string): Promise<CertificateBundle> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read CA file "${file}": ${String((err as Error).message ?? err)}`);
  }
  return parseCertificateBundle(text, `CA file "${file}"`);
}

function bundleFromKey(data: Record<string, string>, key: string): CertificateBundle | undefined {
  const text = data[key];
  if (!text || text.trim() === '') return undefined;
  return parseCertificateBundle(text, `configmap/extension-apiserver-authentication key ${key}`);
}

/** The header keys hold JSON arrays of strings (`["X-Remote-User"]`). */
function stringsFromKey(data: Record<string, string>, key: string): string[] {
  const text = data[key];
  if (!text || text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(`configmap/extension-apiserver-authentication key ${key} is not a JSON array of strings`);
  }
  return value;
}
