/** The version of Foo the controller speaks is one the API serves, with the names the API gives it. */
import { fooKind } from '@pwk/api';
import { FOO_API, FOO_API_VERSION, FOO_KIND } from '../src/foo';

describe('the Foo version the controller speaks', () => {
  it('is a served version of the kind @pwk/api defines, named as it names it', () => {
    const version = fooKind.version(FOO_API.version);
    expect(version?.served).toBe(true);
    expect(FOO_API_VERSION).toBe(version?.apiVersion);
    expect(FOO_KIND).toBe(fooKind.kind);
    expect(FOO_API.plural).toBe(fooKind.plural);
  });

  it('has spec.paused, which the reconciler honours', () => {
    const version = fooKind.version(FOO_API.version)!;
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
