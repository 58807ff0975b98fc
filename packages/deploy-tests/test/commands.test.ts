/**
 * The commands the workspaces ship (`npx pwk-apiserver`, `npx pwk-controller`, `npx pwk-storage`):
 * npm links a workspace's `bin` at `npm ci` only if the file exists then, so each is a committed
 * launcher in bin/, not a file in dist/ (built later); it runs the build, or says to build first.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../src/deploy-fixture';

const COMMANDS = [
  { pkg: 'apiserver', name: 'pwk-apiserver', usage: 'Usage: pwk-apiserver [flags]', built: 'dist/main.js' },
  { pkg: 'apiserver', name: 'pwk-storage', usage: 'pwk-storage', built: 'dist/pwk-storage.js' },
  {
    pkg: 'controller',
    name: 'pwk-controller',
    usage: 'Usage: pwk-controller [flags]',
    built: 'dist/main.js',
  },
];

const manifest = (pkg: string) =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    files: string[];
  };

const tracked = (file: string) =>
  execFileSync('git', ['ls-files', '--error-unmatch', file], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();

describe.each(COMMANDS)('the $name command', ({ pkg, name, usage, built }) => {
  const launcher = () => path.join(REPO_ROOT, 'packages', pkg, manifest(pkg).bin[name]!);

  it('is a committed, executable node script outside dist/, shipped with the package', () => {
    const bin = manifest(pkg).bin[name]!;

    expect(bin).toBe(`bin/${name}.js`);
    expect(tracked(path.join('packages', pkg, bin))).toBe(`packages/${pkg}/${bin}`);
    expect(statSync(launcher()).mode & 0o111).toBe(0o111);
    expect(readFileSync(launcher(), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(manifest(pkg).files).toEqual(expect.arrayContaining(['bin', 'dist']));
  });

  it('runs the build, with its arguments', () => {
    const run = spawnSync(process.execPath, [launcher(), '--help'], { encoding: 'utf8' });

    expect(run.status).toBe(0);
    expect(run.stdout).toContain(usage);
  });

  it('says to run the build, and exits 1, when there is none', () => {
    const unbuilt = mkdtempSync(path.join(os.tmpdir(), 'pwk-unbuilt-'));
    try {
      cpSync(launcher(), path.join(unbuilt, 'bin', `${name}.js`));
      const run = spawnSync(process.execPath, [path.join(unbuilt, 'bin', `${name}.js`), '--help'], {
        cwd: unbuilt,
        encoding: 'utf8',
      });

      expect(run.status).toBe(1);
      expect(run.stderr).toBe(
        `${name}: not built yet (${built} is missing): run "npm run build" at the repository root first\n`,
      );
    } finally {
      rmSync(unbuilt, { recursive: true, force: true });
    }
  });
});
