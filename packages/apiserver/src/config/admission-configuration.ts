/**
 * --admission-control-config-file: kube-apiserver's AdmissionConfiguration
 * (apiserver.config.k8s.io/v1, or the older apiserver.k8s.io/v1alpha1), read once at start-up:
 * each plugin's configuration given inline (`configuration:`) or in a file of its own (`path:`,
 * relative to the configuration file). What a configuration means is each plugin's business; this
 * only finds it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '@pwk/process';

/** A plugin's configuration object, and the file it was read from (for messages and relative paths). */
export interface PluginConfiguration {
  configuration: Record<string, unknown>;
  file: string;
}

/** Plugin name → its configuration; plugins not named have none. */
export type AdmissionConfiguration = ReadonlyMap<string, PluginConfiguration>;

const ADMISSION_CONFIGURATION_VERSIONS = ['apiserver.config.k8s.io/v1', 'apiserver.k8s.io/v1alpha1'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

async function readYamlFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`unable to read ${what} from "${file}": ${(err as Error).message}`);
  }
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`unable to parse ${what} "${file}": ${(err as Error).message.split('\n')[0]}`);
  }
}

export async function loadAdmissionConfiguration(file: string): Promise<AdmissionConfiguration> {
  const doc = await readYamlFile(file, 'the admission control configuration');
  if (!isObject(doc) || doc.kind !== 'AdmissionConfiguration') {
    throw new ConfigError(
      `${file}: expected kind AdmissionConfiguration, got ${JSON.stringify(isObject(doc) ? doc.kind : doc)}`,
    );
  }
  if (!ADMISSION_CONFIGURATION_VERSIONS.includes(String(doc.apiVersion))) {
    throw new ConfigError(
      `${file}: unsupported AdmissionConfiguration apiVersion ${JSON.stringify(doc.apiVersion)} (supported: ${ADMISSION_CONFIGURATION_VERSIONS.join(', ')})`,
    );
  }
  const plugins = doc.plugins ?? [];
  if (!Array.isArray(plugins)) throw new ConfigError(`${file}: plugins must be a list`);
  const out = new Map<string, PluginConfiguration>();
  for (const [i, plugin] of plugins.entries()) {
    if (!isObject(plugin) || typeof plugin.name !== 'string' || !plugin.name) {
      throw new ConfigError(`${file}: plugins[${i}].name: Required value`);
    }
    if (out.has(plugin.name))
      throw new ConfigError(`${file}: plugins[${i}].name: Duplicate value: "${plugin.name}"`);
    if (plugin.configuration !== undefined && plugin.path !== undefined) {
      throw new ConfigError(`${file}: plugins[${i}]: only one of path and configuration may be given`);
    }
    if (plugin.configuration !== undefined) {
      if (!isObject(plugin.configuration))
        throw new ConfigError(`${file}: plugins[${i}].configuration must be an object`);
      out.set(plugin.name, { configuration: plugin.configuration, file });
    } else if (typeof plugin.path === 'string' && plugin.path) {
      const pluginFile = path.resolve(path.dirname(file), plugin.path);
      const configuration = await readYamlFile(pluginFile, `the configuration of ${plugin.name}`);
      if (!isObject(configuration))
        throw new ConfigError(`${pluginFile}: the configuration of ${plugin.name} must be an object`);
      out.set(plugin.name, { configuration, file: pluginFile });
    }
  }
  return out;
}
