/**
 * TLS to etcd (--etcd-cafile, --etcd-certfile, --etcd-keyfile): against an etcd that serves
 * HTTPS and requires client certificates, the store works with the right files, and without a
 * client certificate or with a CA that did not sign etcd's certificate it is simply not ready
 * (503s), never crashing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StorageUnavailableError } from '../../src/storage/errors';
import { createEtcdStorage } from '../../src/storage/etcd/etcd-storage';
import type { Storage } from '../../src/storage/interface';
import { createCA, issueCertificate } from '../support/certificates';
import { startTestEtcd } from '../support/etcd';
import type { TestEtcd } from '../support/etcd';
import { foo, keyOf } from './contract';

jest.setTimeout(30_000);

describe('TLS to etcd', () => {
  let etcd: TestEtcd;
  let dir: string;
  let files: { ca: string; cert: string; key: string; otherCa: string };
  const stores: Storage[] = [];

  beforeAll(async () => {
    const ca = createCA('etcd-ca');
    const server = issueCertificate(ca, { cn: 'etcd', serverNames: ['localhost', '127.0.0.1'] });
    const client = issueCertificate(ca, { cn: 'pwk', client: true });
    etcd = await startTestEtcd({ tls: { ca: ca.cert, server } });
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-etcd-tls-'));
    files = {
      ca: path.join(dir, 'ca.crt'),
      cert: path.join(dir, 'client.crt'),
      key: path.join(dir, 'client.key'),
      otherCa: path.join(dir, 'other-ca.crt'),
    };
    await writeFile(files.ca, ca.cert);
    await writeFile(files.cert, client.cert);
    await writeFile(files.key, client.key);
    await writeFile(files.otherCa, createCA('someone-else').cert);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await etcd?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const open = async (tls: { caFile?: string; certFile?: string; keyFile?: string }) => {
    const storage = await createEtcdStorage({
      endpoints: [etcd.endpoint],
      prefix: '/tls',
      tls,
      requestTimeoutMs: 2000,
    });
    stores.push(storage);
    return storage;
  };

  it('stores and reads objects with the CA and a client certificate', async () => {
    const storage = await open({ caFile: files.ca, certFile: files.cert, keyFile: files.key });
    for (let i = 0; !storage.ready() && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    expect(storage.ready()).toBe(true);
    const created = await storage.create(keyOf('secure'), foo('secure'));
    expect(await storage.get(keyOf('secure'))).toEqual(created);
  });

  it.each([
    ['without a client certificate', () => ({ caFile: files.ca })],
    [
      'trusting a CA that did not sign etcd',
      () => ({ caFile: files.otherCa, certFile: files.cert, keyFile: files.key }),
    ],
  ])('is not ready and answers StorageUnavailable %s', async (_what, tls) => {
    const storage = await open(tls());
    expect(storage.ready()).toBe(false);
    await expect(storage.get(keyOf('secure'))).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('refuses a client certificate without its key, or one without a CA', async () => {
    await expect(open({ caFile: files.ca, certFile: files.cert })).rejects.toThrow(
      '--etcd-certfile and --etcd-keyfile must be given together',
    );
    await expect(open({ certFile: files.cert, keyFile: files.key })).rejects.toThrow(
      '--etcd-certfile needs --etcd-cafile',
    );
  });
});
