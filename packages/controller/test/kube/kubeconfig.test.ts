/** Where the controller finds its cluster out of a pod, and that it refuses to guess. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NO_KUBECONFIG, loadKubeConfig, serverOf } from '../../src/kube/kubeconfig';

const kubeconfig = (name: string, server: string, current = true) =>
  [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: ${name}, cluster: {server: "${server}"}}]`,
    `users: [{name: ${name}, user: {token: t}}]`,
    `contexts: [{name: ${name}, context: {cluster: ${name}, user: ${name}}}]`,
    current ? `current-context: ${name}` : '',
  ].join('\n');

describe('loadKubeConfig out of a pod', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-kubeconfig-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses to start without --kubeconfig, $KUBECONFIG or ~/.kube/config', () => {
    expect(() => loadKubeConfig({ inCluster: false, env: { home: dir } })).toThrow(NO_KUBECONFIG);
    expect(() => loadKubeConfig({ inCluster: false })).toThrow(NO_KUBECONFIG);
  });

  it('reads ~/.kube/config', async () => {
    await mkdir(path.join(dir, '.kube'));
    await writeFile(path.join(dir, '.kube', 'config'), kubeconfig('home', 'https://home.example:6443'));

    expect(serverOf(loadKubeConfig({ inCluster: false, env: { home: dir } }))).toBe(
      'https://home.example:6443',
    );
  });

  it('merges the files of $KUBECONFIG, the first current-context winning, before ~/.kube/config', async () => {
    await mkdir(path.join(dir, '.kube'));
    await writeFile(path.join(dir, '.kube', 'config'), kubeconfig('home', 'https://home.example:6443'));
    await writeFile(path.join(dir, 'a'), kubeconfig('a', 'https://a.example:6443', false));
    await writeFile(path.join(dir, 'b'), kubeconfig('b', 'https://b.example:6443'));
    await writeFile(path.join(dir, 'c'), kubeconfig('c', 'https://c.example:6443'));
    const KUBECONFIG = ['a', 'b', 'c'].map((f) => path.join(dir, f)).join(path.delimiter);

    const kc = loadKubeConfig({ inCluster: false, env: { KUBECONFIG, home: dir } });

    expect(kc.getClusters().map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(serverOf(kc)).toBe('https://b.example:6443');
  });
});
