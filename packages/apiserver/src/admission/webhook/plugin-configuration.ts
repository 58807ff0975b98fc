/**
 * The configuration of the MutatingAdmissionWebhook / ValidatingAdmissionWebhook plugins in an
 * AdmissionConfiguration: kube's WebhookAdmissionConfiguration (apiserver.config.k8s.io/v1; kind
 * WebhookAdmission in v1alpha1). `staticManifestsDir` names a directory of webhook
 * configurations, absolute and existing. `kubeConfigFile` (the credentials kube-apiserver presents
 * to webhooks) is not supported yet, and saying so beats calling webhooks without them.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { PluginConfiguration } from '../../config/admission-configuration';
import { ConfigError } from '@pwk/process';

export interface WebhookPluginConfiguration {
  staticManifestsDir?: string;
}

const KINDS: Readonly<Record<string, string>> = {
  'apiserver.config.k8s.io/v1': 'WebhookAdmissionConfiguration',
  'apiserver.config.k8s.io/v1alpha1': 'WebhookAdmission',
};

/** The ValidatingAdmissionPolicy plugin's configuration kind, which holds only staticManifestsDir. */
export const POLICY_PLUGIN_KINDS: Readonly<Record<string, string>> = {
  'apiserver.config.k8s.io/v1': 'ValidatingAdmissionPolicyConfiguration',
};

export async function webhookPluginConfiguration(
  plugin: string,
  entry: PluginConfiguration | undefined,
  kinds: Readonly<Record<string, string>> = KINDS,
): Promise<WebhookPluginConfiguration> {
  if (!entry) return {};
  const { configuration: c, file } = entry;
  const expected = kinds[String(c.apiVersion)];
  if (!expected || c.kind !== expected) {
    throw new ConfigError(
      `${file}: the configuration of ${plugin} must be apiserver.config.k8s.io/v1 ${kinds['apiserver.config.k8s.io/v1']}, got ${String(c.apiVersion)} ${String(c.kind)}`,
    );
  }
  const invalid = (field: string, value: unknown, why: string) =>
    new ConfigError(`${file}: ${plugin}: ${field}: Invalid value: ${JSON.stringify(value)}: ${why}`);
  if (c.kubeConfigFile !== undefined && c.kubeConfigFile !== '') {
    if (typeof c.kubeConfigFile !== 'string' || !path.isAbsolute(c.kubeConfigFile)) {
      throw invalid('kubeConfigFile', c.kubeConfigFile, 'must be an absolute file path');
    }
    throw invalid(
      'kubeConfigFile',
      c.kubeConfigFile,
      'credentials for calling webhooks are not supported yet',
    );
  }
  const dir = c.staticManifestsDir;
  if (dir === undefined || dir === '') return {};
  if (typeof dir !== 'string' || !path.isAbsolute(dir))
    throw invalid('staticManifestsDir', dir, 'must be an absolute file path');
  try {
    if (!(await stat(dir)).isDirectory()) throw invalid('staticManifestsDir', dir, 'must be a directory');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw invalid('staticManifestsDir', dir, `unable to read: ${(err as Error).message}`);
  }
  return { staticManifestsDir: dir };
}
