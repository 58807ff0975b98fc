/**
 * Webhook configurations from a directory of manifests, as kube-apiserver loads a plugin's
 * `staticManifestsDir` (WebhookAdmissionConfiguration, the ManifestBasedAdmissionControlConfig
 * feature): every .yaml, .yml and .json file in name order, multi-document YAML and v1 Lists
 * unwrapped, only the plugin's own kind, names unique and ending in `.static.k8s.io` (kept apart
 * from configurations made through the API), webhooks reached by `url` only, each configuration
 * defaulted and validated as the API would. Any fault fails the whole load, naming the file.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { defaultWebhookConfiguration } from './defaults';
import { ADMISSIONREGISTRATION_V1, WEBHOOK_KINDS } from './types';
import type { WebhookConfiguration, WebhookType } from './types';
import { validateWebhookConfiguration } from './validation';

export const STATIC_CONFIG_SUFFIX = '.static.k8s.io';

export class StaticManifestError extends Error {}

export interface LoadedManifests {
  configurations: WebhookConfiguration[];
  /** sha256 of the files read: unchanged files, unchanged hash. */
  hash: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function accept(
  doc: unknown,
  at: { file: string; type: WebhookType; seen: Map<string, string> },
): WebhookConfiguration[] {
  const kind = WEBHOOK_KINDS[at.type];
  if (!isObject(doc)) throw new StaticManifestError(`error loading ${at.file}: a manifest must be an object`);
  const isList =
    (doc.apiVersion === 'v1' && doc.kind === 'List') ||
    (doc.apiVersion === ADMISSIONREGISTRATION_V1 && doc.kind === `${kind}List`);
  if (isList) {
    const items = Array.isArray(doc.items) ? doc.items : [];
    return items.flatMap((item) => accept(item, at));
  }
  if (doc.apiVersion !== ADMISSIONREGISTRATION_V1 || doc.kind !== kind) {
    throw new StaticManifestError(
      `error loading ${at.file}: unsupported resource type ${String(doc.apiVersion)}, Kind=${String(doc.kind)}: only ${ADMISSIONREGISTRATION_V1} ${kind} is read here`,
    );
  }
  const config = defaultWebhookConfiguration(doc as WebhookConfiguration, at.type);
  const name = String(config.metadata.name ?? '');
  if (!name) throw new StaticManifestError(`error loading ${at.file}: a ${kind} must have a name`);
  if (!name.endsWith(STATIC_CONFIG_SUFFIX)) {
    throw new StaticManifestError(
      `error loading ${at.file}: ${kind} "${name}" must have a name ending with "${STATIC_CONFIG_SUFFIX}"`,
    );
  }
  const first = at.seen.get(name);
  if (first) {
    throw new StaticManifestError(
      `error loading ${at.file}: duplicate ${kind} name "${name}", first defined in ${first}`,
    );
  }
  at.seen.set(name, at.file);
  for (const webhook of config.webhooks ?? []) {
    if (webhook.clientConfig.service) {
      throw new StaticManifestError(
        `error loading ${at.file}: webhook "${webhook.name}" in "${name}": clientConfig.service is not supported for static manifests; use clientConfig.url instead`,
      );
    }
    if (!webhook.clientConfig.url) {
      throw new StaticManifestError(
        `error loading ${at.file}: webhook "${webhook.name}" in "${name}": clientConfig.url is required for static manifests`,
      );
    }
  }
  const errors = validateWebhookConfiguration(config, at.type);
  if (errors.length > 0) {
    const summary = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
    throw new StaticManifestError(
      `error loading ${at.file}: ${kind}.admissionregistration.k8s.io "${name}" is invalid: ${summary}`,
    );
  }
  return [config];
}

/** One parsed document of a manifest file. */
export interface ManifestDocument {
  file: string;
  value: unknown;
}

/**
 * The documents of a manifest directory (every .yaml, .yml and .json file, in name order, empty
 * documents skipped) and the hash of the files read; throws StaticManifestError naming the file.
 */
export async function readManifestDocuments(
  dir: string,
): Promise<{ documents: ManifestDocument[]; hash: string }> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new StaticManifestError(`failed to read manifest directory "${dir}": ${(err as Error).message}`);
  }
  const hash = createHash('sha256');
  const documents: ManifestDocument[] = [];
  const files = entries
    .filter(
      (e) => !e.isDirectory() && ['.yaml', '.yml', '.json'].includes(path.extname(e.name).toLowerCase()),
    )
    .map((e) => e.name)
    .sort();
  for (const name of files) {
    const file = path.join(dir, name);
    const text = await readFile(file, 'utf8');
    if (text.length === 0) continue;
    hash.update(text).update('\0');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        throw new StaticManifestError(`error loading ${file}: ${doc.errors[0]!.message.split('\n')[0]}`);
      }
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (value === null || value === undefined) continue;
      documents.push({ file, value });
    }
  }
  return { documents, hash: `sha256:${hash.digest('hex')}` };
}

/** Reads the directory; throws StaticManifestError (with the file) on any fault. */
export async function loadStaticManifests(dir: string, type: WebhookType): Promise<LoadedManifests> {
  const { documents, hash } = await readManifestDocuments(dir);
  const seen = new Map<string, string>();
  const configurations: WebhookConfiguration[] = [];
  for (const { file, value } of documents) configurations.push(...accept(value, { file, type, seen }));
  configurations.sort((a, b) => (String(a.metadata.name) < String(b.metadata.name) ? -1 : 1));
  return { configurations, hash };
}
