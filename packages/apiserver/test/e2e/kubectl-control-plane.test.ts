/**
 * kubectl end-to-end for what the rest of the control plane does to foos: `kubectl delete
 * --cascade=orphan|foreground|background` (with the garbage collector's part played by a loop
 * that removes its finalizers as kube-controller-manager does, so kubectl's wait completes), and,
 * behind a stand-in core API, creates in a missing namespace and past a ResourceQuota refused
 * with the messages a CRD gives.
 */
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { ADMIN, GROUP, startAdmittedServer } from '../admission/cluster';
import type { AdmittedServer } from '../admission/cluster';
import {
  FOO_REF,
  FOO_VERSIONS,
  createKubectl,
  fooManifest,
  kubeconfigFor,
  kubectlWarnings,
} from './kubectl-helpers';
import type { FooVersion, Kubectl } from './kubectl-helpers';

jest.setTimeout(30_000);

const item = (ns: string, name: string) => `/apis/${GROUP}/v1beta1/namespaces/${ns}/foos/${name}`;

interface Meta {
  metadata: { resourceVersion: string; finalizers?: string[]; deletionTimestamp?: string };
}

describe('kubectl delete --cascade against the pwk apiserver', () => {
  let server: TestServer;
  let kubectl: Kubectl;
  beforeAll(async () => {
    server = await startTestServer();
    kubectl = createKubectl(server);
  });
  afterAll(() => server.stop());

  /** The garbage collector's part: once the object is marked, remove `finalizer` as it would. */
  async function garbageCollector(ns: string, name: string, finalizer: string): Promise<string[]> {
    for (;;) {
      const res = await server.request('GET', item(ns, name));
      if (res.status === 404) throw new Error(`${name} disappeared before the garbage collector saw it`);
      const { metadata } = res.json<Meta>();
      if (metadata.deletionTimestamp && metadata.finalizers?.includes(finalizer)) {
        const left = metadata.finalizers.filter((f) => f !== finalizer);
        const patched = await server.request('PATCH', item(ns, name), {
          headers: { 'content-type': 'application/merge-patch+json' },
          body: {
            metadata: { resourceVersion: metadata.resourceVersion, finalizers: left.length ? left : null },
          },
        });
        if (patched.status === 200) return metadata.finalizers;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it.each([
    ['orphan', 'orphan'],
    ['foreground', 'foregroundDeletion'],
  ])(
    '--cascade=%s marks the Foo with the %s finalizer and completes once the GC removes it',
    async (cascade, finalizer) => {
      const name = `cascade-${cascade}`;
      await kubectl.ok(['create', '-f', '-'], {
        stdin: fooManifest({ name, namespace: 'gc', spec: { replicas: 1 } }),
      });
      const gc = garbageCollector('gc', name, finalizer);
      expect(await kubectl.ok(['delete', 'foo', name, '-n', 'gc', `--cascade=${cascade}`])).toBe(
        `${FOO_REF} "${name}" deleted\n`,
      );
      expect(await gc).toEqual([finalizer]);
      expect((await server.request('GET', item('gc', name))).status).toBe(404);
    },
  );

  it('--cascade=background deletes at once', async () => {
    await kubectl.ok(['create', '-f', '-'], {
      stdin: fooManifest({ name: 'cascade-background', namespace: 'gc', spec: { replicas: 1 } }),
    });
    expect(
      await kubectl.ok(['delete', 'foo', 'cascade-background', '-n', 'gc', '--cascade=background']),
    ).toBe(`${FOO_REF} "cascade-background" deleted\n`);
    expect((await server.request('GET', item('gc', 'cascade-background'))).status).toBe(404);
  });

  it('--cascade=orphan --wait=false leaves the Foo marked for the garbage collector', async () => {
    await kubectl.ok(['create', '-f', '-'], {
      stdin: fooManifest({ name: 'orphan-nowait', namespace: 'gc', spec: { replicas: 1 } }),
    });
    await kubectl.ok(['delete', 'foo', 'orphan-nowait', '-n', 'gc', '--cascade=orphan', '--wait=false']);
    const { metadata } = (await server.request('GET', item('gc', 'orphan-nowait'))).json<Meta>();
    expect(metadata.finalizers).toEqual(['orphan']);
    expect(metadata.deletionTimestamp).toBeDefined();
  });
});

describe('kubectl against pwk behind a core API: namespaces and quota', () => {
  let cluster: AdmittedServer;
  let kubectl: Kubectl;
  beforeAll(async () => {
    cluster = await startAdmittedServer({
      prepare: (kube) => {
        kube.core.namespace('default');
        kube.core.namespace('limited');
        kube.core.put('resourcequotas', {
          metadata: { name: 'foos', namespace: 'limited' },
          spec: { hard: { [`count/foos.${GROUP}`]: '1' } },
          status: { hard: { [`count/foos.${GROUP}`]: '1' }, used: { [`count/foos.${GROUP}`]: '0' } },
        });
      },
    });
    const kubeconfig = await kubeconfigFor(cluster.pwk, ADMIN);
    kubectl = createKubectl({ kubeconfig, dir: cluster.pwk.dir });
  });
  afterAll(() => cluster.stop());

  it.each(FOO_VERSIONS)(
    'kubectl create -n no-such-ns at %s fails with namespaces "no-such-ns" not found',
    async (version) => {
      const file = await kubectl.writeManifest(
        `foo-${version}.yaml`,
        fooManifest({ name: 'lost', spec: { replicas: 1 }, version }),
      );
      const run = await kubectl.run(['create', '-n', 'no-such-ns', '-f', file]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        kubectlWarnings(version) +
          `Error from server (NotFound): error when creating "${file}": namespaces "no-such-ns" not found\n`,
      );
    },
  );

  it('kubectl create past a ResourceQuota fails with exceeded quota', async () => {
    const manifest = (name: string, version: FooVersion = 'v1') =>
      fooManifest({ name, namespace: 'limited', spec: { replicas: 1 }, version });
    expect(await kubectl.ok(['create', '-f', '-'], { stdin: manifest('first') })).toBe(
      `${FOO_REF}/first created\n`,
    );
    const run = await kubectl.run(['create', '-f', '-'], { stdin: manifest('second') });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `Error from server (Forbidden): error when creating "STDIN": foos.${GROUP} "second" is forbidden: exceeded quota: foos, requested: count/foos.${GROUP}=1, used: count/foos.${GROUP}=1, limited: count/foos.${GROUP}=1\n`,
    );
    // One resource at two versions: the quota counts the v1 object against a v1beta1 create too.
    const old = await kubectl.run(['create', '-f', '-'], { stdin: manifest('third', 'v1beta1') });
    expect(old.code).toBe(1);
    expect(old.stderr).toBe(
      kubectlWarnings('v1beta1') +
        `Error from server (Forbidden): error when creating "STDIN": foos.${GROUP} "third" is forbidden: exceeded quota: foos, requested: count/foos.${GROUP}=1, used: count/foos.${GROUP}=1, limited: count/foos.${GROUP}=1\n`,
    );
  });
});
