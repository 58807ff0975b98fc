/** Starts and stops the bare-HTTPS ceiling server (bare-server.ts) as its own process. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Target } from './protocol';

export interface BareServer {
  target: Target;
  pid: number;
  stop(): Promise<void>;
}

export async function startBareServer(tls: { certFile: string; keyFile: string }): Promise<BareServer> {
  const child = spawn(process.execPath, [path.join(__dirname, 'bare-server.js'), tls.certFile, tls.keyFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(out.slice(0, nl)) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    target: { url: `https://127.0.0.1:${port}`, token: '', ca: readFileSync(tls.certFile, 'utf8') },
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
