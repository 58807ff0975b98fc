/**
 * kubectl end to end against pwk behind a stand-in core API that holds a
 * ValidatingWebhookConfiguration and a MutatingWebhookConfiguration, their webhooks real HTTPS
 * servers: a denial reads as kubectl shows a CRD's (the webhook's message, its reason), a
 * mutation is in what kubectl gets back, warnings are printed, and a server-side dry run stops
 * at a webhook with side effects.
 */
import { ADMIN, GROUP, startAdmittedServer } from '../admission/cluster';
import type { AdmittedServer } from '../admission/cluster';
import { configuration, fooRule, webhook } from '../admission/webhooks/setup';
import { allow, deny, jsonPatch, startWebhookServer } from '../support/webhook-server';
import type { WebhookServer } from '../support/webhook-server';
import { FOO_REF, createKubectl, fooManifest, kubeconfigFor, kubectlWarnings } from './kubectl-helpers';
import type { Kubectl } from './kubectl-helpers';

jest.setTimeout(30_000);

/**
 * The webhooks' rules name v1beta1 (fooRule) while kubectl writes at v1, the preferred version:
 * matchPolicy Equivalent (the default) brings them every request, converted to v1beta1.
 */
const VERSION = 'v1';
const WARNINGS = kubectlWarnings(VERSION);

describe('kubectl against pwk with admission webhooks', () => {
  let hooks: WebhookServer;
  let cluster: AdmittedServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    hooks = await startWebhookServer();
    hooks.on('/max-replicas', (r) => {
      const replicas =
        (r.review.request.object as { spec?: { replicas?: number } } | null)?.spec?.replicas ?? 0;
      return replicas > 100
        ? deny({ code: 403, reason: 'Forbidden', message: `replicas ${replicas} is above the limit of 100` })
        : allow({ warnings: ['replicas are checked by max-replicas.example.com'] });
    });
    hooks.on('/default-location', (r) => {
      const object = r.review.request.object as { spec?: { location?: string } };
      return object.spec?.location
        ? allow()
        : jsonPatch([{ op: 'add', path: '/spec/location', value: 'Webhook City' }]);
    });
    cluster = await startAdmittedServer({
      prepare: (kube) => {
        kube.core.namespace('default');
        kube.core.namespace('audited');
        kube.core.put(
          'validatingwebhookconfigurations',
          configuration('max-replicas', [
            webhook(hooks, { name: 'max-replicas.example.com', path: '/max-replicas', namespace: 'default' }),
            webhook(hooks, {
              name: 'audit-log.example.com',
              path: '/audit',
              namespace: 'audited',
              extra: { sideEffects: 'Some', rules: [fooRule({ operations: ['*'] })] },
            }),
          ]),
        );
        kube.core.put(
          'mutatingwebhookconfigurations',
          configuration('default-location', [
            webhook(hooks, {
              name: 'default-location.example.com',
              path: '/default-location',
              namespace: 'default',
            }),
          ]),
        );
      },
    });
    const kubeconfig = await kubeconfigFor(cluster.pwk, ADMIN);
    kubectl = createKubectl({ kubeconfig, dir: cluster.pwk.dir });
  });
  afterAll(async () => {
    await cluster?.stop();
    await hooks?.close();
  });

  it('kubectl create of a Foo the validating webhook denies prints its message, and nothing is created', async () => {
    const run = await kubectl.run(['create', '-f', '-'], {
      stdin: fooManifest({ name: 'huge', spec: { replicas: 500 }, version: VERSION }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      WARNINGS +
        'Error from server (Forbidden): error when creating "STDIN": admission webhook "max-replicas.example.com" denied the request: replicas 500 is above the limit of 100\n',
    );
    const get = await kubectl.run(['get', 'foo', 'huge']);
    expect(get.stderr).toBe(`Error from server (NotFound): foos.${GROUP} "huge" not found\n`);
  });

  it('kubectl apply gets the mutating webhook’s change back, and the webhook’s warning', async () => {
    const run = await kubectl.run(['apply', '-f', '-'], {
      stdin: fooManifest({ name: 'placed', spec: { replicas: 2 }, version: VERSION }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${FOO_REF}/placed created\n`);
    expect(run.stderr).toBe(`${WARNINGS}Warning: replicas are checked by max-replicas.example.com\n`);
    expect(await kubectl.ok(['get', 'foo', 'placed', '-o', 'jsonpath={.spec.location}'])).toBe(
      'Webhook City',
    );
  });

  it('kubectl scale goes past a webhook whose rules name foos but not foos/scale', async () => {
    // The webhook's rule names `foos`, not `foos/scale`: kubectl scale is not its business.
    expect(await kubectl.ok(['scale', 'foo', 'placed', '--replicas=500'])).toBe(`${FOO_REF}/placed scaled\n`);
  });

  it('kubectl create --dry-run=server stops at a webhook with side effects', async () => {
    const run = await kubectl.run(['create', '--dry-run=server', '-f', '-'], {
      stdin: fooManifest({ name: 'dry', namespace: 'audited', spec: { replicas: 1 }, version: VERSION }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      WARNINGS +
        'Error from server (BadRequest): error when creating "STDIN": admission webhook "audit-log.example.com" does not support dry run\n',
    );
  });
});
