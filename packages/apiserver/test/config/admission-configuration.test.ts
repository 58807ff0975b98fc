/**
 * --admission-control-config-file in kube's AdmissionConfiguration format: inline plugin
 * configurations and `path:` files relative to it; anything else is refused at start-up.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadAdmissionConfiguration } from '../../src/config/admission-configuration';
import { ConfigError } from '@pwk/process';

describe('the admission control configuration file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-admission-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const write = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it('reads inline configurations and those in files named by path (relative to it)', async () => {
    await write(
      'validating.yaml',
      'apiVersion: apiserver.config.k8s.io/v1\nkind: WebhookAdmissionConfiguration\n',
    );
    const file = await write(
      'admission.yaml',
      [
        'apiVersion: apiserver.config.k8s.io/v1',
        'kind: AdmissionConfiguration',
        'plugins:',
        '- name: ValidatingAdmissionWebhook',
        '  path: validating.yaml',
        '- name: MutatingAdmissionWebhook',
        '  configuration: {apiVersion: apiserver.config.k8s.io/v1, kind: WebhookAdmissionConfiguration, staticManifestsDir: /x}',
        '',
      ].join('\n'),
    );
    const config = await loadAdmissionConfiguration(file);
    expect(config.get('ValidatingAdmissionWebhook')).toEqual({
      configuration: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'WebhookAdmissionConfiguration' },
      file: path.join(dir, 'validating.yaml'),
    });
    expect(config.get('MutatingAdmissionWebhook')?.configuration).toMatchObject({ staticManifestsDir: '/x' });
  });

  it.each([
    ['kind: Something\napiVersion: apiserver.config.k8s.io/v1\n', 'expected kind AdmissionConfiguration'],
    ['kind: AdmissionConfiguration\napiVersion: v2\n', 'unsupported AdmissionConfiguration apiVersion "v2"'],
    [
      'kind: AdmissionConfiguration\napiVersion: apiserver.config.k8s.io/v1\nplugins: [{name: A, configuration: {}}, {name: A, configuration: {}}]\n',
      'plugins[1].name: Duplicate value: "A"',
    ],
    [
      'kind: AdmissionConfiguration\napiVersion: apiserver.config.k8s.io/v1\nplugins: [{name: A, path: missing.yaml}]\n',
      'unable to read the configuration of A',
    ],
    ['kind: [unclosed\n', 'unable to parse the admission control configuration'],
  ])('refuses %j', async (text, message) => {
    const file = await write('bad.yaml', text);
    const loading = loadAdmissionConfiguration(file);
    await expect(loading).rejects.toThrow(ConfigError);
    await expect(loading).rejects.toThrow(message);
  });
});
