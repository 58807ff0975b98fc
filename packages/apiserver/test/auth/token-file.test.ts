/** The static token file (--token-auth-file): its CSV rules, its errors, and token lookup. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TokenAuthenticator, loadTokenFile } from '../../src/auth/token-file';

const fromCsv = (text: string) => TokenAuthenticator.fromCsv(text, '/etc/pwk/tokens.csv');

describe('token file', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-tokens-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('parsing', () => {
    it('maps each token to its user and uid, adding system:authenticated', () => {
      const tokens = fromCsv('s3cret,alice,uid-1\nother,bob,uid-2\n');

      expect(tokens.authenticate('s3cret')).toEqual({
        name: 'alice',
        uid: 'uid-1',
        groups: ['system:authenticated'],
      });
      expect(tokens.authenticate('other')).toEqual({
        name: 'bob',
        uid: 'uid-2',
        groups: ['system:authenticated'],
      });
      expect(tokens.size).toBe(2);
      expect(tokens.warnings).toEqual([]);
    });

    it('reads the groups column, quoted to hold several comma-separated groups', () => {
      const tokens = fromCsv('t1,alice,1,"devs,ops"\nt2,bob,2,viewers\n');

      expect(tokens.authenticate('t1')?.groups).toEqual(['devs', 'ops', 'system:authenticated']);
      expect(tokens.authenticate('t2')?.groups).toEqual(['viewers', 'system:authenticated']);
    });

    it('does not add system:authenticated twice when the file already lists it', () => {
      const tokens = fromCsv('t1,alice,1,"devs,system:authenticated"\n');

      expect(tokens.authenticate('t1')?.groups).toEqual(['devs', 'system:authenticated']);
    });

    it('leaves uid out when the uid column is empty, and ignores an empty groups column', () => {
      expect(fromCsv('t1,alice,,\n').authenticate('t1')).toEqual({
        name: 'alice',
        groups: ['system:authenticated'],
      });
    });

    it('ignores columns after the fourth, as k8s does', () => {
      expect(fromCsv('t1,alice,1,devs,extra,more\n').authenticate('t1')?.groups).toEqual([
        'devs',
        'system:authenticated',
      ]);
    });

    it('skips blank lines and lines starting with #, but keeps # inside a token', () => {
      const tokens = fromCsv('# pwk tokens\n\n   \nab#cd,alice,1\r\n\n# bob\nef,bob,2\n');

      expect(tokens.size).toBe(2);
      expect(tokens.authenticate('ab#cd')?.name).toBe('alice');
      expect(tokens.authenticate('ef')?.name).toBe('bob');
    });

    it('keeps a UTF-8 byte order mark out of the first token', () => {
      expect(fromCsv('\ufefft1,alice,1\n').authenticate('t1')?.name).toBe('alice');
    });

    it('lets the later line win for a duplicate token and warns without revealing the token', () => {
      const tokens = fromCsv('same,alice,1\nsame,bob,2\n');

      expect(tokens.authenticate('same')?.name).toBe('bob');
      expect(tokens.size).toBe(1);
      expect(tokens.warnings).toEqual([
        'token file "/etc/pwk/tokens.csv" line 2: duplicate of the token on line 1; this line wins',
      ]);
    });

    it('skips a line with an empty token with a warning, as k8s does', () => {
      const tokens = fromCsv(',alice,1\nt2,bob,2\n');

      expect(tokens.size).toBe(1);
      expect(tokens.authenticate('')).toBeUndefined();
      expect(tokens.warnings).toEqual(['token file "/etc/pwk/tokens.csv" line 1: empty token, line ignored']);
    });

    it('accepts a file without tokens', () => {
      expect(fromCsv('# nobody yet\n').size).toBe(0);
    });
  });

  describe('malformed files', () => {
    it('rejects a line with fewer than 3 columns, naming the file and the line', () => {
      expect(() => fromCsv('t1,alice,1\n\nt2,bob\n')).toThrow(
        'token file "/etc/pwk/tokens.csv" line 3: must have at least 3 columns (token, user name, user uid), found 2',
      );
    });

    it('rejects an indented comment, which is a one-column line', () => {
      expect(() => fromCsv('  # not a comment\n')).toThrow(
        'token file "/etc/pwk/tokens.csv" line 1: must have at least 3 columns (token, user name, user uid), found 1',
      );
    });

    it('rejects an empty user name', () => {
      expect(() => fromCsv('t1,alice,1\nt2,,2\n')).toThrow(
        'token file "/etc/pwk/tokens.csv" line 2: the user name (column 2) is empty',
      );
    });

    it('rejects broken quoting with the file and the line', () => {
      expect(() => fromCsv('t1,alice,1\nt2,bob,2,"devs\n')).toThrow(
        /^token file "\/etc\/pwk\/tokens\.csv": Quote Not Closed: .* at line 2$/,
      );
      expect(() => fromCsv('t1,alice,1\nt2,b"ob,2\n')).toThrow(
        /^token file "\/etc\/pwk\/tokens\.csv": Invalid Opening Quote: .* at line 2/,
      );
    });
  });

  describe('authentication', () => {
    const tokens = fromCsv('abcdef,alice,1\n');

    it.each([
      ['an unknown token', 'zzzzzz'],
      ['a prefix of a token', 'abc'],
      ['a token with a suffix', 'abcdefg'],
      ['a token in another case', 'ABCDEF'],
      ['an empty token', ''],
    ])('refuses %s', (_what, token) => {
      expect(tokens.authenticate(token)).toBeUndefined();
    });

    it('returns a fresh user each time, so callers cannot change the stored one', () => {
      const first = tokens.authenticate('abcdef');
      first?.groups.push('system:masters');

      expect(tokens.authenticate('abcdef')?.groups).toEqual(['system:authenticated']);
    });
  });

  describe('loadTokenFile', () => {
    it('reads the file from disk', async () => {
      const file = path.join(dir, 'tokens.csv');
      await writeFile(file, 't1,alice,1,"a,b"\n');

      const tokens = await loadTokenFile(file);

      expect(tokens.authenticate('t1')).toEqual({
        name: 'alice',
        uid: '1',
        groups: ['a', 'b', 'system:authenticated'],
      });
    });

    it('names the file when it does not exist', async () => {
      const file = path.join(dir, 'missing.csv');

      await expect(loadTokenFile(file)).rejects.toThrow(
        `cannot read token file "${file}": ENOENT: no such file or directory`,
      );
    });

    it('names the file and line when its content is malformed', async () => {
      const file = path.join(dir, 'tokens.csv');
      await writeFile(file, 'just-a-token\n');

      await expect(loadTokenFile(file)).rejects.toThrow(
        `token file "${file}" line 1: must have at least 3 columns (token, user name, user uid), found 1`,
      );
    });
  });
});
