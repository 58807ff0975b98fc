/**
 * Both Dockerfiles, replayed step by step without Docker in a clean copy of the build context
 * (src/dockerfile-replay.ts), then their entrypoints started with the Deployments' own args, as
 * the non-root user the image names: the apiserver must serve its probes over the generated
 * certificate, and the controller must pass its probes and reconcile hack/foo.yaml through it.
 * npm ci and tsc run four and two times here, so this suite takes a minute or two.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flagName } from '../src/binary-flags';
import { copyBuildContext } from '../src/build-context';
import { generateCerts, REPO_ROOT } from '../src/deploy-fixture';
import { parseDockerfile } from '../src/dockerfile';
import type { Stage } from '../src/dockerfile';
import { replayDockerfile } from '../src/dockerfile-replay';
import type { ReplayedImage } from '../src/dockerfile-replay';
import { field, findObject, kustomize } from '../src/kube-objects';
import type { KubeObject } from '../src/kube-objects';
import { freePort, httpGet, startProcess, waitForOk } from '../src/processes';
import type { RunningProcess } from '../src/processes';

jest.setTimeout(240_000);

const SERVICE_HOST = 'pwk-apiserver.pwk-system.svc';
const asRoot = process.getuid?.() === 0;

interface Probe {
  httpGet: { path: string; port: string | number; scheme?: string };
}
interface Container {
  args: string[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: Probe;
  livenessProbe: Probe;
}

let work: string;
let context: string;
let manifests: KubeObject[];
const running: RunningProcess[] = [];
let apiserver: { image: ReplayedImage; url: string; ca: string; kubeconfig: string } | undefined;

const containerOf = (name: string): Container =>
  field<Container[]>(findObject(manifests, 'Deployment', name), 'spec', 'template', 'spec', 'containers')[0]!;

/** The args of a Deployment with some flags replaced (files and ports that differ here). */
function argsWith(args: string[], replace: Record<string, string>): string[] {
  const kept = args.filter((a) => !(flagName(a) in replace));
  return [...kept, ...Object.entries(replace).map(([name, value]) => `--${name}=${value}`)];
}

/** Readable and writable by the image's user, as the kubelet's fsGroup makes a volume. */
function handTo(image: ReplayedImage, ...paths: string[]) {
  const m = /^(\d+)(?::(\d+))?$/.exec(image.user ?? '');
  if (!asRoot || !m) return;
  for (const p of paths) chownSync(p, Number(m[1]), Number(m[2] ?? m[1]));
}

/** Starts the image's ENTRYPOINT with args, in its WORKDIR, as its USER, with its ENV only. */
function runImage(image: ReplayedImage, args: string[]): RunningProcess {
  const m = /^(\d+)(?::(\d+))?$/.exec(image.user ?? '');
  const process_ = startProcess({
    argv: [...image.entrypoint, ...args],
    cwd: path.join(image.root, image.workdir),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...image.env },
    ...(asRoot && m ? { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) } : {}),
  });
  running.push(process_);
  return process_;
}

function workspaces(): string[] {
  return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] })
    .workspaces;
}

/** Static rules both images follow, checked on the parsed Dockerfile before replaying it. */
function expectImageRules(stages: Stage[], binary: string) {
  for (const stage of stages) expect(stage.baseImage).toMatch(/^node:20(\.[0-9.]+)?-(bookworm-)?slim$/);
  for (const stage of stages) {
    const copied = stage.instructions.flatMap((i) => (i.kind === 'COPY' && !i.from ? i.sources : []));
    const firstInstall = stage.instructions.findIndex((i) => i.kind === 'RUN' && /npm ci/.test(i.command));
    const copiedBefore = stage.instructions
      .slice(0, firstInstall)
      .flatMap((i) => (i.kind === 'COPY' && !i.from ? i.sources : []));
    // npm ci checks the lockfile against every workspace's manifest.
    for (const ws of workspaces()) expect(copiedBefore).toContain(`${ws}/package.json`);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
  }
  const runtime = stages[stages.length - 1]!.instructions;
  const install = runtime.find((i) => i.kind === 'RUN' && /npm ci/.test(i.command));
  expect(install).toMatchObject({ command: expect.stringMatching(/--omit=dev/) });
  expect(runtime.find((i) => i.kind === 'ENTRYPOINT')).toMatchObject({ argv: ['node', binary] });
}

/** Only production dependencies in the image: no compiler, test runner or linter. */
function expectProductionOnly(image: ReplayedImage) {
  const modules = path.join(image.root, image.workdir, 'node_modules');
  expect(existsSync(path.join(modules, 'zod'))).toBe(true);
  for (const dev of ['typescript', 'jest', 'eslint', 'lerna', 'ts-jest']) {
    expect([dev, existsSync(path.join(modules, dev))]).toEqual([dev, false]);
  }
  expect(existsSync(path.join(image.root, image.workdir, 'packages/api/dist/index.js'))).toBe(true);
  expect(existsSync(path.join(image.root, image.workdir, 'packages/api/src'))).toBe(false);
  expect(image.env.NODE_ENV).toBe('production');
  expect(image.user).toMatch(/^[1-9][0-9]*(:[0-9]+)?$/);
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'pwk-image-'));
  // The image's non-root user must reach the files below, as it can in a container.
  chmodSync(work, 0o755);
  context = path.join(work, 'context');
  copyBuildContext({ repoRoot: REPO_ROOT, target: context });
  manifests = kustomize(path.join(REPO_ROOT, 'deploy/base'));
});

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  // Four node_modules trees: close to a gigabyte.
  rmSync(work, { recursive: true, force: true });
});

it('sends a build context with no dependencies, build output, data or certificates', () => {
  const listing = execFileSync('find', ['.', '-type', 'f'], {
    cwd: context,
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  expect(listing).not.toMatch(/\/(node_modules|dist|generated|\.pwk|\.git)\//);
  expect(listing).toMatch(/\.\/packages\/apiserver\/src\/main\.ts/);
  expect(listing).toMatch(/\.\/package-lock\.json/);
});

it('Dockerfile.apiserver: builds, and the image serves its probes over the generated certificate', async () => {
  const stages = parseDockerfile(readFileSync(path.join(REPO_ROOT, 'Dockerfile.apiserver'), 'utf8'));
  expectImageRules(stages, 'packages/apiserver/dist/main.js');
  const image = await replayDockerfile({ stages, context, workDir: path.join(work, 'apiserver') });
  expectProductionOnly(image);
  expect(image.volumes).toEqual(['/data']);
  expect(image.exposedPorts).toEqual(['8443']);
  expect(image.cmd).toEqual(['--data-dir=/data', '--cert-dir=/tmp/pwk-apiserver-certs']);

  const certs = path.join(work, 'serving-cert');
  generateCerts(certs);
  const tls = JSON.parse(
    execFileSync(
      'node',
      [
        '-e',
        'process.stdout.write(JSON.stringify(require("yaml").parse(require("fs").readFileSync(process.argv[1], "utf8")).data))',
        path.join(certs, 'serving-cert-secret.yaml'),
      ],
      { encoding: 'utf8', cwd: REPO_ROOT },
    ),
  ) as Record<string, string>;
  const mounted = path.join(work, 'mounted-cert');
  mkdirSync(mounted);
  for (const key of ['tls.crt', 'tls.key'])
    writeFileSync(path.join(mounted, key), Buffer.from(tls[key]!, 'base64'));
  const tokens = path.join(work, 'tokens.csv');
  writeFileSync(tokens, 'replay-token,admin,admin,"system:masters"\n');
  const data = path.join(image.root, 'data');
  handTo(image, mounted, path.join(mounted, 'tls.crt'), path.join(mounted, 'tls.key'), tokens);

  const port = await freePort();
  const c = containerOf('pwk-apiserver');
  const server = runImage(
    image,
    argsWith(c.args, {
      'secure-port': String(port),
      'bind-address': '127.0.0.1',
      'data-dir': data,
      'tls-cert-file': path.join(mounted, 'tls.crt'),
      'tls-private-key-file': path.join(mounted, 'tls.key'),
      'token-auth-file': tokens,
      'shutdown-delay-duration': '0s',
    }),
  );
  const ca = Buffer.from(tls['ca.crt']!, 'base64').toString();
  const url = `https://127.0.0.1:${port}`;
  for (const probe of [c.readinessProbe, c.livenessProbe]) {
    expect(probe.httpGet.scheme).toBe('HTTPS');
    await expect(
      waitForOk({
        url: `${url}${probe.httpGet.path}`,
        ca,
        servername: SERVICE_HOST,
        process: server,
        timeoutMs: 20_000,
      }),
    ).resolves.toEqual({ status: 200, body: 'ok' });
  }
  await expect(httpGet({ url: `${url}/nothing-here`, ca, servername: SERVICE_HOST })).resolves.toMatchObject({
    status: 401,
  });

  const kubeconfig = path.join(work, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'pwk',
          cluster: {
            server: url,
            'certificate-authority-data': tls['ca.crt'],
            'tls-server-name': SERVICE_HOST,
          },
        },
      ],
      users: [{ name: 'admin', user: { token: 'replay-token' } }],
      contexts: [{ name: 'pwk', context: { cluster: 'pwk', user: 'admin', namespace: 'default' } }],
      'current-context': 'pwk',
    }),
  );
  handTo(image, kubeconfig);
  apiserver = { image, url, ca, kubeconfig };
});

it('Dockerfile.controller: builds, and the image passes its probes and reconciles hack/foo.yaml', async () => {
  if (!apiserver) throw new Error('needs the apiserver image of the previous test');
  const stages = parseDockerfile(readFileSync(path.join(REPO_ROOT, 'Dockerfile.controller'), 'utf8'));
  expectImageRules(stages, 'packages/controller/dist/main.js');
  const image = await replayDockerfile({ stages, context, workDir: path.join(work, 'controller') });
  expectProductionOnly(image);
  expect(existsSync(path.join(image.root, image.workdir, 'node_modules/@kubernetes/client-node'))).toBe(true);

  const [healthPort, metricsPort] = [await freePort(), await freePort()];
  const c = containerOf('pwk-controller');
  const controller = runImage(
    image,
    argsWith(c.args, {
      kubeconfig: apiserver.kubeconfig,
      'health-probe-bind-address': `127.0.0.1:${healthPort}`,
      'metrics-bind-address': `127.0.0.1:${metricsPort}`,
      // pwk's apiserver alone serves no Leases; in a cluster the kube-apiserver does.
      'leader-elect': 'false',
    }),
  );
  for (const probe of [c.livenessProbe, c.readinessProbe]) {
    expect(probe.httpGet.scheme ?? 'HTTP').toBe('HTTP');
    await expect(
      waitForOk({
        url: `http://127.0.0.1:${healthPort}${probe.httpGet.path}`,
        process: controller,
        timeoutMs: 20_000,
      }),
    ).resolves.toMatchObject({ status: 200 });
  }
  const metrics = await httpGet({ url: `http://127.0.0.1:${metricsPort}/metrics` });
  expect(metrics.status).toBe(200);

  const kubectl = (...args: string[]) =>
    execFileSync('kubectl', ['--kubeconfig', apiserver!.kubeconfig, ...args], {
      encoding: 'utf8',
      cwd: REPO_ROOT,
    });
  kubectl('apply', '-f', 'hack/foo.yaml');
  const deadline = Date.now() + 30_000;
  let location = '';
  while (Date.now() < deadline && location !== 'Los Angeles') {
    location = kubectl('get', 'foo', 'demo-foo', '-o', 'jsonpath={.spec.location}');
    if (location !== 'Los Angeles') await new Promise((r) => setTimeout(r, 250));
  }
  expect([location, controller.output().slice(-2000)]).toEqual(['Los Angeles', expect.any(String)]);
  // What `kubectl logs deploy/pwk-controller` shows in the walkthrough (logged after the write).
  for (let i = 0; i < 50 && !/"message":"reconciled"/.test(controller.output()); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(controller.output()).toMatch(/"message":"reconciled".*"name":"demo-foo"/);
  const stored = JSON.parse(
    readFileSync(
      path.join(apiserver.image.root, 'data/bar.pwk.educative.io/foos/default/demo-foo.json'),
      'utf8',
    ),
  ) as { spec: { location?: string; replicas: number } };
  expect(stored.spec).toMatchObject({ location: 'Los Angeles', replicas: 51 });
});
