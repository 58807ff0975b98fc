import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  inClusterConnection,
  loadKubeconfig,
  resolveClusterConnection,
} from '../../src/auth/cluster-connection';

describe('cluster connections', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-kubeconfig-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const kubeconfig = async (
    user: string,
    cluster = 'server: https://10.0.0.1:6443/, certificate-authority: certs/ca.crt',
  ) => {
    const file = path.join(dir, 'kubeconfig');
    await writeFile(
      file,
      `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- {name: c, context: {cluster: k, user: u}}\nclusters:\n- {name: k, cluster: {${cluster}}}\nusers:\n- {name: u, user: {${user}}}\n`,
    );
    return file;
  };

  it('reads the current context, with files relative to the kubeconfig', async () => {
    await mkdir(path.join(dir, 'certs'));
    await writeFile(path.join(dir, 'certs', 'ca.crt'), 'CA PEM');
    await writeFile(path.join(dir, 'key.pem'), 'KEY');

    const connection = await loadKubeconfig(
      await kubeconfig(
        `client-certificate-data: ${Buffer.from('CERT').toString('base64')}, client-key: key.pem, tokenFile: token`,
      ),
    );

    expect(connection).toMatchObject({
      server: 'https://10.0.0.1:6443',
      insecureSkipTLSVerify: false,
      tokenFile: path.join(dir, 'token'),
    });
    expect([
      connection.ca?.toString(),
      connection.clientCert?.toString(),
      connection.clientKey?.toString(),
    ]).toEqual(['CA PEM', 'CERT', 'KEY']);
  });

  it.each([
    ['exec: {command: aws}', 'only token, tokenFile and client certificate credentials are supported'],
    ['username: admin', 'only token, tokenFile and client certificate credentials are supported'],
    [`client-certificate-data: ${Buffer.from('C').toString('base64')}`, 'a client certificate needs its key'],
  ])('refuses credentials it cannot use: %s', async (user, message) => {
    const file = await kubeconfig(user, 'server: https://k:6443, insecure-skip-tls-verify: true');

    await expect(loadKubeconfig(file)).rejects.toThrow(`kubeconfig "${file}": ${message}`);
  });

  it('refuses a plain-http server and names a missing file', async () => {
    await expect(loadKubeconfig(await kubeconfig('token: t', 'server: http://k:8080'))).rejects.toThrow(
      'must be https',
    );
    await expect(loadKubeconfig(await kubeconfig('token: t'))).rejects.toThrow(
      `cannot read "${path.join(dir, 'certs/ca.crt')}"`,
    );
  });

  it('uses the service account in a pod, and nothing elsewhere', async () => {
    await writeFile(path.join(dir, 'token'), 'sa-token');
    await writeFile(path.join(dir, 'ca.crt'), 'CA');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };

    expect(await inClusterConnection({ env, serviceAccountDir: dir })).toMatchObject({
      server: 'https://[fd00::1]:443',
      tokenFile: path.join(dir, 'token'),
    });
    expect(await resolveClusterConnection({ env: {}, serviceAccountDir: dir })).toBeUndefined();
    await expect(inClusterConnection({ env, serviceAccountDir: path.join(dir, 'missing') })).rejects.toThrow(
      'the in-cluster service account: cannot read',
    );
  });

  it('prefers the purpose-specific kubeconfig over --kubeconfig over in-cluster', async () => {
    const file = await kubeconfig(
      'token: t',
      'server: https://specific:6443, insecure-skip-tls-verify: true',
    );
    const env = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };

    expect(
      (await resolveClusterConnection({ kubeconfig: file, fallbackKubeconfig: 'nope', env }))?.server,
    ).toBe('https://specific:6443');
    expect((await resolveClusterConnection({ fallbackKubeconfig: file, env }))?.server).toBe(
      'https://specific:6443',
    );
  });
});
