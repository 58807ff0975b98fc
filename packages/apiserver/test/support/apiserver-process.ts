/**
 * The built pwk-apiserver binary (dist/main.js) as a child process, for tests that need a real
 * process (kill -9, the OTLP exporter's dynamic imports): started in a directory with a token
 * file, JSON logs, and its URL once it says `serving`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const APISERVER_MAIN = path.join(__dirname, '..', '..', 'dist', 'main.js');

export interface ApiserverProcess {
  child: ChildProcess;
  url: string;
  /** The serving certificate's CA (the generated self-signed certificate). */
  ca: Buffer;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
  /** Every line it wrote to stdout and stderr, in order. */
  output: string[];
}

/**
 * Starts the binary with `--data-dir=<dir>/data`, `--cert-dir=<dir>/certs` and
 * `--token-auth-file=<dir>/tokens.csv` (the caller writes it) on a free port, plus `flags`.
 */
export async function spawnApiserver(dir: string, flags: readonly string[] = []): Promise<ApiserverProcess> {
  if (!existsSync(APISERVER_MAIN)) throw new Error(`${APISERVER_MAIN} is missing: run "npm run build" first`);
  const child = spawn(
    process.execPath,
    [
      APISERVER_MAIN,
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      `--data-dir=${dir}/data`,
      `--cert-dir=${dir}/certs`,
      `--token-auth-file=${dir}/tokens.csv`,
      '--logging-format=json',
      ...flags,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      output.push(line);
      // Flag errors come before the logger: not every line is JSON.
      const entry = line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : {};
      if (entry.message === 'serving') resolve(String(entry.url));
    });
    void exited.then((code) =>
      reject(new Error(`pwk-apiserver exited (${code}) before serving: ${output.join('\n')}`)),
    );
  });
  return { child, url, exited, output, ca: readFileSync(path.join(dir, 'certs', 'apiserver.crt')) };
}
