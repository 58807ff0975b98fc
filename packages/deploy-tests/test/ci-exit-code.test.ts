/**
 * `.ci/run` → `bash hack/test.sh` → the root `npm test` (lerna): a failing test must make CI exit
 * with the test runner's code (1), after every package's tests ran. Lerna's defaults do neither:
 * it bails after the first failure and orders tasks by dependency, so the dependents of a failed
 * package never start, and Nx reports such an incomplete run as interrupted (exit 130).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../src/deploy-fixture';

const rootManifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** The last command a bash script runs (comments and blank lines skipped). */
const lastCommand = (file: string): string =>
  readFileSync(path.join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .at(-1)!;

describe('the CI exit code', () => {
  let workspace: string;

  /** A two-package workspace run with the repository's own root test script and lerna. */
  beforeAll(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'pwk-ci-'));
    const manifest = (dir: string, body: object) => {
      mkdirSync(path.join(workspace, dir), { recursive: true });
      writeFileSync(path.join(workspace, dir, 'package.json'), JSON.stringify(body));
    };
    manifest('.', {
      name: 'ci-fixture',
      private: true,
      workspaces: ['packages/base', 'packages/dependent'],
      scripts: { test: rootManifest.scripts.test },
    });
    writeFileSync(path.join(workspace, 'lerna.json'), readFileSync(path.join(REPO_ROOT, 'lerna.json')));
    manifest('packages/base', {
      name: 'base',
      version: '0.1.0',
      scripts: { test: 'node -e "process.exit(1)"' },
    });
    manifest('packages/dependent', {
      name: 'dependent',
      version: '0.1.0',
      dependencies: { base: '0.1.0' },
      scripts: { test: `node -e "require('fs').writeFileSync('tests-ran', '')"` },
    });
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(workspace, 'node_modules'));
  });

  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it('runs the test command of the README, which ends in the root npm test', () => {
    expect(lastCommand('.ci/run')).toBe('bash hack/test.sh');
    expect(readFileSync(path.join(REPO_ROOT, '.ci/run'), 'utf8')).toContain('set -euo pipefail');
    expect(lastCommand('hack/test.sh')).toBe('npm test');
  });

  it("exits 1 when a package's tests fail, and still runs the tests of the packages that depend on it", () => {
    const run = spawnSync('npm', ['test'], {
      cwd: workspace,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CI: 'true',
        NX_DAEMON: 'false',
        NX_CACHE_DIRECTORY: path.join(workspace, '.nx-cache'),
        NX_WORKSPACE_DATA_DIRECTORY: path.join(workspace, '.nx-data'),
      },
    });

    expect({ status: run.status, signal: run.signal }).toEqual({ status: 1, signal: null });
    expect(existsSync(path.join(workspace, 'packages/dependent/tests-ran'))).toBe(true);
  });
});
