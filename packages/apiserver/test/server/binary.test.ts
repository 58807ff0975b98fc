/** The pwk-apiserver binary as an operator runs it (built dist/main.js in a real process). */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { spawnApiserver } from '../support/apiserver-process';

const MAIN = path.join(__dirname, '..', '..', 'dist', 'main.js');

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
});

describe('pwk-apiserver binary', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-bin-'));
    await writeFile(path.join(dir, 'tokens.csv'), 't0ken,admin,1,"system:masters"\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('prints every flag with --help and exits 0', () => {
    const run = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--secure-port');
    expect(run.stdout).toContain('--shutdown-delay-duration');
  });

  it('stops on a bad flag with one line and exit code 2', () => {
    const run = spawnSync(process.execPath, [MAIN, '--secure-port=none'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'pwk-apiserver: invalid argument "none" for "--secure-port" flag: must be an integer from 0 to 65535',
    ]);
  });

  it('prints its version with --version and exits 0', () => {
    const run = spawnSync(process.execPath, [MAIN, '--version'], { encoding: 'utf8' });
    const { version } = JSON.parse(
      readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'),
    ) as {
      version: string;
    };
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`pwk-apiserver v${version}\n`);
  });

  it('refuses to start without any way to authenticate', () => {
    const run = spawnSync(
      process.execPath,
      [MAIN, '--secure-port=0', `--data-dir=${dir}/data`, `--cert-dir=${dir}/certs`],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no authentication configured');
  });

  it('serves with a generated certificate and shuts down cleanly on SIGTERM, ending open watches', async () => {
    const { child, url, ca, exited, output } = await spawnApiserver(dir, ['--shutdown-delay-duration=300ms']);

    // An open watch must end with a clean end of stream, not a reset.
    let watchOpened!: () => void;
    const watchOpen = new Promise<void>((resolve) => (watchOpened = resolve));
    const watchEnded = new Promise<string>((resolve, reject) => {
      https
        .get(
          `${url}/apis/bar.pwk.educative.io/v1beta1/foos?watch=1`,
          { ca, headers: { authorization: 'Bearer t0ken' } },
          (res) => {
            expect(res.statusCode).toBe(200);
            watchOpened();
            res.resume();
            res.on('end', () => resolve('end'));
            res.on('error', reject);
          },
        )
        .on('error', reject);
    });
    await watchOpen;
    child.kill('SIGTERM');
    expect(await watchEnded).toBe('end');
    expect(await exited).toBe(0);
    const lines = output.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.message)).toEqual(
      expect.arrayContaining(['shutting down: /readyz fails now', 'stopped']),
    );
  });
});
