import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { keepSourcesFresh, loadAuthenticationSources } from '../../src/auth/authentication-sources';
import type { AuthenticationSources } from '../../src/auth/authentication-sources';
import type { KubeClient } from '../../src/auth/kube-client';
import { KubeApiError } from '../../src/auth/kube-client';
import { createLogger } from '../../src/logging/logger';
import { createCA } from '../support/certificates';

const clientCA = createCA('client-ca');
const proxyCA = createCA('front-proxy-ca');
const FLAG_HEADERS = {
  allowedNames: [],
  usernameHeaders: ['X-Remote-User'],
  groupHeaders: ['X-Remote-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
};

const configMapClient = (answer: () => unknown): KubeClient => ({
  server: 'https://stub',
  close: () => undefined,
  request: async () => answer(),
});

const subjects = (sources: AuthenticationSources) => ({
  clientCA: sources.clientCA?.certificates.map((c) => c.subject),
  requestHeaderCA: sources.requestHeader?.ca.certificates.map((c) => c.subject),
});

describe('loadAuthenticationSources', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-sources-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads CAs and header names from the ConfigMap when no flag gives them', async () => {
    const client = configMapClient(() => ({
      data: {
        'client-ca-file': clientCA.cert,
        'requestheader-client-ca-file': proxyCA.cert,
        'requestheader-allowed-names': '["front-proxy-client"]',
        'requestheader-username-headers': '["X-Remote-User"]',
        'requestheader-group-headers': '["X-Remote-Group"]',
        'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
      },
    }));

    const sources = await loadAuthenticationSources({
      requestHeader: { ...FLAG_HEADERS, usernameHeaders: ['X-Flag'] },
      client,
    });

    expect(subjects(sources)).toEqual({ clientCA: ['CN=client-ca'], requestHeaderCA: ['CN=front-proxy-ca'] });
    expect(sources.requestHeader).toMatchObject({
      allowedNames: ['front-proxy-client'],
      usernameHeaders: ['X-Remote-User'],
      groupHeaders: ['X-Remote-Group'],
      extraHeaderPrefixes: ['X-Remote-Extra-'],
    });
  });

  it('prefers the flags, and does not ask the cluster when they cover everything', async () => {
    await writeFile(path.join(dir, 'client.crt'), clientCA.cert);
    await writeFile(path.join(dir, 'proxy.crt'), proxyCA.cert);
    const client = configMapClient(() => {
      throw new Error('must not be asked');
    });

    const sources = await loadAuthenticationSources({
      clientCAFile: path.join(dir, 'client.crt'),
      requestHeader: { ...FLAG_HEADERS, clientCAFile: path.join(dir, 'proxy.crt'), allowedNames: ['agg'] },
      client,
    });

    expect(subjects(sources)).toEqual({ clientCA: ['CN=client-ca'], requestHeaderCA: ['CN=front-proxy-ca'] });
    expect(sources.requestHeader?.allowedNames).toEqual(['agg']);
  });

  it('treats a missing ConfigMap as publishing nothing', async () => {
    const client = configMapClient(() => {
      throw new KubeApiError(404, 'not found');
    });

    expect(await loadAuthenticationSources({ requestHeader: FLAG_HEADERS, client })).toEqual({
      clientCA: undefined,
    });
  });

  it.each([
    [new KubeApiError(403, 'forbidden'), 'extension-apiserver-authentication-reader'],
    [new KubeApiError(undefined, 'connect ECONNREFUSED'), 'connect ECONNREFUSED'],
  ])('fails with a hint when the ConfigMap cannot be read (%s)', async (error, message) => {
    const client = configMapClient(() => {
      throw error;
    });

    await expect(loadAuthenticationSources({ requestHeader: FLAG_HEADERS, client })).rejects.toThrow(message);
  });

  it.each([
    [
      { 'requestheader-client-ca-file': proxyCA.cert, 'requestheader-group-headers': '"X-Remote-Group"' },
      'requestheader-group-headers is not a JSON array of strings',
    ],
    [{ 'client-ca-file': 'garbage' }, 'key client-ca-file does not contain any PEM certificate'],
  ])('refuses a malformed ConfigMap: %j', async (data, message) => {
    const client = configMapClient(() => ({ data }));

    await expect(loadAuthenticationSources({ requestHeader: FLAG_HEADERS, client })).rejects.toThrow(message);
  });
});

describe('keepSourcesFresh', () => {
  it('announces changes, ignores reloads that change nothing, and keeps the last good on failure', async () => {
    const logs: string[] = [];
    const logger = createLogger({
      level: 'info',
      format: 'json',
      stream: new Writable({ write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString()), done()) }),
    });
    let next: () => AuthenticationSources = () => ({ clientCA: undefined });
    const live = keepSourcesFresh({ load: async () => next(), intervalMs: 60_000, logger, initial: {} });
    const seen: AuthenticationSources[] = [];
    live.onChange((s) => seen.push(s));

    await live.refresh();
    const rotated = await loadAuthenticationSources({
      requestHeader: FLAG_HEADERS,
      client: configMapClient(() => ({ data: { 'client-ca-file': clientCA.cert } })),
    });
    next = () => rotated;
    await live.refresh();
    next = () => {
      throw new Error('apiserver down');
    };
    await live.refresh();
    live.stop();

    expect(seen).toEqual([rotated]);
    expect(live.current()).toBe(rotated);
    expect(logs.join('')).toContain('apiserver down');
  });
});
