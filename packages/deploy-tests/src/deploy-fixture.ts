/**
 * The repository's deploy/ tree as a user renders it: copied to a temp directory (without any
 * generated/ left in the checkout), with hack/gen-certs.sh run for the default overlay.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const GEN_CERTS = path.join(REPO_ROOT, 'hack/gen-certs.sh');

/** Runs hack/gen-certs.sh with `out` as its output directory; returns its stdout. */
export function generateCerts(out: string, env: Record<string, string> = {}): string {
  return execFileSync('bash', [GEN_CERTS, out], { encoding: 'utf8', env: { ...process.env, ...env } });
}

export interface DeployCopy {
  /** The copy of deploy/. */
  dir: string;
  /** Where gen-certs.sh wrote (the default overlay's generated/). */
  generated: string;
}

export function deployCopyWithCerts(): DeployCopy {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'pwk-deploy-')), 'deploy');
  cpSync(path.join(REPO_ROOT, 'deploy'), dir, {
    recursive: true,
    filter: (source) => !source.split(path.sep).includes('generated'),
  });
  const generated = path.join(dir, 'overlays/default/generated');
  generateCerts(generated);
  return { dir, generated };
}
