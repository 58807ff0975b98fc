import { isIdentityHeader, userFromRequestHeaders } from '../../src/auth/request-header';

const NAMES = {
  usernameHeaders: ['X-Remote-User', 'X-Other-User'],
  groupHeaders: ['X-Remote-Group', 'X-Other-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
};

describe('userFromRequestHeaders', () => {
  it('takes the first username header with a value, every group value and the extras', () => {
    expect(
      userFromRequestHeaders(
        {
          'x-remote-user': [''],
          'x-other-user': ['alice', 'ignored'],
          'x-remote-group': ['a,b', 'c'],
          'x-other-group': ['d', ''],
          'x-remote-extra-scopes': ['read', 'write'],
          'x-remote-extra-acme.com%2fproject': ['p1'],
          'x-remote-extra-bad%zz': ['kept as sent'],
        },
        NAMES,
      ),
    ).toEqual({
      name: 'alice',
      groups: ['a,b', 'c', 'd', 'system:authenticated'],
      extra: { scopes: ['read', 'write'], 'acme.com/project': ['p1'], 'bad%zz': ['kept as sent'] },
    });
  });

  it('names nobody without a username header value', () => {
    expect(userFromRequestHeaders({ 'x-remote-group': ['system:masters'] }, NAMES)).toBeUndefined();
  });
});

describe('isIdentityHeader', () => {
  it.each([
    ['x-remote-user', true],
    ['X-Other-Group', true],
    ['x-remote-extra-anything', true],
    ['x-remote-users', false],
    ['authorization', false],
  ])('%s → %s', (header, expected) => {
    expect(isIdentityHeader(header, NAMES)).toBe(expected);
  });
});
