/** TokenReview and SubjectAccessReview clients over a stub kube-apiserver client and a fake clock. */
import type { KubeClient, KubeRequest } from '../../src/auth/kube-client';
import { KubeApiError } from '../../src/auth/kube-client';
import type { RequestAttributes } from '../../src/auth/request-attributes';
import { createSubjectAccessReviewer } from '../../src/auth/subject-access-review';
import { createTokenReviewer } from '../../src/auth/token-review';
import { TtlCache } from '../../src/auth/ttl-cache';

function stubClient(answer: (req: KubeRequest) => unknown) {
  const requests: KubeRequest[] = [];
  const client: KubeClient = {
    server: 'https://stub',
    close: () => undefined,
    request: async (req) => {
      requests.push(req);
      return answer(req);
    },
  };
  return { client, requests };
}

const clock = () => {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe('createTokenReviewer', () => {
  const reviewed = (token: string) =>
    token === 'good'
      ? {
          status: {
            authenticated: true,
            user: { username: 'tina', uid: 'u1', groups: ['qa'], extra: { k: ['v'] } },
          },
        }
      : { status: { authenticated: false, error: 'nope' } };

  it('caches answers, good and bad, for the TTL', async () => {
    const time = clock();
    const { client, requests } = stubClient((req) =>
      reviewed(String((req.body as { spec: { token: string } }).spec.token)),
    );
    const review = createTokenReviewer({ client, ttlMs: 10_000, now: time.now });

    expect(await review('good')).toEqual({
      name: 'tina',
      uid: 'u1',
      groups: ['qa', 'system:authenticated'],
      extra: { k: ['v'] },
    });
    expect(await review('bad')).toBeUndefined();
    await review('good');
    await review('bad');
    expect(requests).toHaveLength(2);

    time.advance(10_000);
    await review('good');
    expect(requests).toHaveLength(3);
  });

  it('asks once for concurrent requests with the same token', async () => {
    const { client, requests } = stubClient(() => reviewed('good'));
    const review = createTokenReviewer({ client, ttlMs: 10_000 });

    await Promise.all([review('good'), review('good'), review('good')]);
    expect(requests).toHaveLength(1);
  });

  it('does not cache failures', async () => {
    let fail = true;
    const { client, requests } = stubClient(() => {
      if (fail) throw new KubeApiError(503, 'unavailable');
      return reviewed('good');
    });
    const review = createTokenReviewer({ client, ttlMs: 10_000 });

    await expect(review('good')).rejects.toThrow('unavailable');
    fail = false;
    expect(await review('good')).toMatchObject({ name: 'tina' });
    expect(requests).toHaveLength(2);
  });
});

describe('createSubjectAccessReviewer', () => {
  const attributes: RequestAttributes = { resourceRequest: false, verb: 'get', path: '/apis' };

  it('caches allowed and denied answers for their own TTLs', async () => {
    const time = clock();
    const { client, requests } = stubClient((req) => {
      const user = (req.body as { spec: { user: string } }).spec.user;
      return {
        status: user === 'yes' ? { allowed: true } : { allowed: false, denied: true, reason: 'because' },
      };
    });
    const authorize = createSubjectAccessReviewer({
      client,
      allowedTtlMs: 5000,
      deniedTtlMs: 1000,
      now: time.now,
    });
    const ask = (name: string) => authorize({ name, groups: [] }, attributes);

    expect(await ask('yes')).toMatchObject({ allowed: true });
    expect(await ask('no')).toMatchObject({ allowed: false, reason: 'because' });
    time.advance(1000);
    await ask('yes');
    await ask('no');
    expect(requests.map((r) => (r.body as { spec: { user: string } }).spec.user)).toEqual([
      'yes',
      'no',
      'no',
    ]);
  });
});

describe('TtlCache', () => {
  it('forgets expired entries and the oldest beyond its size; a ttl of 0 stores nothing', () => {
    const time = clock();
    const cache = new TtlCache<number>({ maxEntries: 2, now: time.now });
    cache.set('a', 1, 100);
    cache.set('b', 2, 100);
    cache.set('c', 3, 100);
    cache.set('d', 4, 0);

    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([
      undefined,
      2,
      3,
      undefined,
    ]);
    time.advance(100);
    expect(cache.get('b')).toBeUndefined();
  });
});
