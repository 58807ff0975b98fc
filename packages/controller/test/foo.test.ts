/** The version of Foo the controller speaks is one the API serves, with the names the API gives it. */
import { fooKindV1 } from '@pwk/api';
import { FOO_API, FOO_API_VERSION, FOO_KIND } from '../src/foo';

describe('the Foo version the controller speaks', () => {
  it('is a served version of the kind @pwk/api defines, named as it names it', () => {
    const version = fooKindV1.version(FOO_API.version);
    expect(version?.served).toBe(true);
    expect(FOO_API_VERSION).toBe(version?.apiVersion);
    expect(FOO_KIND).toBe(fooKindV1.kind);
    expect(FOO_API.plural).toBe(fooKindV1.plural);
  });

  it('has spec.paused, which the reconciler honours', () => {
    const version = fooKindV1.version(FOO_API.version)!;
    expect(
      version.validate(
        version.applyDefaults({
          apiVersion: FOO_API_VERSION,
          kind: FOO_KIND,
          metadata: { name: 'a', namespace: 'n' },
        }),
      ).errors,
    ).toEqual([]);
    expect(
      version.applyDefaults({ apiVersion: FOO_API_VERSION, kind: FOO_KIND, metadata: { name: 'a' } }),
    ).toMatchObject({ spec: { paused: false } });
  });
});
