/** klog's -v on a running server: from 2 the access log says more about each request. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FOOS, startSecureServer } from '../security/secure-server';
import type { SecureServer } from '../security/secure-server';

describe('-v', () => {
  let dir: string;
  const servers: SecureServer[] = [];
  const requestLine = async (flags: string[]) => {
    const pwk = await startSecureServer({ flags: [`--token-auth-file=${dir}/tokens.csv`, ...flags] });
    servers.push(pwk);
    await pwk.request('GET', FOOS, { token: 't', headers: { accept: 'application/yaml' } });
    const deadline = Date.now() + 5000;
    for (;;) {
      const line = pwk.logs.find((l) => l.message === 'request' && l.path === FOOS);
      if (line) return line;
      if (Date.now() > deadline) throw new Error('no access-log line');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-verbosity-'));
    await writeFile(path.join(dir, 'tokens.csv'), 't,admin,1,"system:masters"\n');
  });

  afterAll(async () => {
    for (const server of servers) await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs verb, path, status, user and audit id per request by default', async () => {
    const line = await requestLine([]);

    expect(line).toMatchObject({ verb: 'GET', status: 200, user: 'admin' });
    expect(line).not.toHaveProperty('srcIP');
    expect(line).not.toHaveProperty('accept');
  });

  it('adds the client address and the Accept and Content-Type headers at -v=2', async () => {
    const line = await requestLine(['-v=2']);

    expect(line).toMatchObject({ verb: 'GET', status: 200, srcIP: '127.0.0.1', accept: 'application/yaml' });
  });
});
