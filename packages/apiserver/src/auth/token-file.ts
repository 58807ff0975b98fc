/**
 * Static bearer tokens from a Kubernetes `--token-auth-file`: CSV lines `token,user,uid[,"g1,g2"]`.
 * Rules follow k8s.io/apiserver's tokenfile.NewCSV: at least 3 columns (more are ignored), an empty
 * token is skipped with a warning, a repeated token is a warning and the later line wins, groups
 * are the 4th column split on commas. Unlike k8s (whose CSV reader rejects them as one-column
 * records) blank lines and lines starting with `#` are skipped, and an empty user name is an error.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { UserInfo } from './user';
import { withAuthenticatedGroup } from './user';

interface TokenEntry {
  digest: Buffer;
  user: UserInfo;
  line: number;
}

interface CsvRow {
  fields: string[];
  line: number;
}

// One-shot hashing (no Hash object): this runs on every request that carries a token.
const digestOf = (token: string): Buffer => hash('sha256', token, 'buffer');

// Duck-typed: fs errors are not `instanceof Error` across realms (e.g. under jest).
const errorMessage = (err: unknown): string =>
  typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);

export class TokenAuthenticator {
  private constructor(
    private readonly entries: readonly TokenEntry[],
    /** Lines k8s would only log about (empty or duplicate tokens); the caller decides where to log. */
    readonly warnings: readonly string[],
  ) {}

  /** Parses token-file text; `source` names the file in errors. Throws on a malformed line. */
  static fromCsv(text: string, source: string): TokenAuthenticator {
    const byDigest = new Map<string, TokenEntry>();
    const warnings: string[] = [];
    for (const { fields, line } of readRows(text, source)) {
      const where = `token file "${source}" line ${line}`;
      const [token, name, uid, groups] = fields;
      if (token === undefined || name === undefined || uid === undefined) {
        throw new Error(
          `${where}: must have at least 3 columns (token, user name, user uid), found ${fields.length}`,
        );
      }
      if (name === '') throw new Error(`${where}: the user name (column 2) is empty`);
      if (token === '') {
        warnings.push(`${where}: empty token, line ignored`);
        continue;
      }
      const digest = digestOf(token);
      const key = digest.toString('hex');
      const earlier = byDigest.get(key);
      // Never echo the token itself: warnings end up in logs.
      if (earlier) warnings.push(`${where}: duplicate of the token on line ${earlier.line}; this line wins`);
      byDigest.set(key, { digest, line, user: toUser({ name, uid, groups }) });
    }
    return new TokenAuthenticator([...byDigest.values()], warnings);
  }

  /** How many distinct tokens are known. */
  get size(): number {
    return this.entries.length;
  }

  /** The user a token belongs to (with system:authenticated), or undefined for an unknown token. */
  authenticate(token: string): UserInfo | undefined {
    // Comparing the presented token with `===` or looking it up in a Map takes time that depends on
    // how many leading characters match, which lets a remote client guess a token byte by byte.
    // Hashing first gives equal-length inputs for timingSafeEqual (and hides the token's length),
    // and every entry is compared without an early exit so the position of a match leaks nothing.
    const presented = digestOf(token);
    let match: UserInfo | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented)) match = entry.user;
    }
    return match && withAuthenticatedGroup(copyOf(match));
  }
}

/** Reads `path` and parses it; errors name the file (and the line, for malformed content). */
export async function loadTokenFile(path: string): Promise<TokenAuthenticator> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read token file "${path}": ${errorMessage(err)}`);
  }
  return TokenAuthenticator.fromCsv(text, path);
}

function readRows(text: string, source: string): CsvRow[] {
  const rows: CsvRow[] = [];
  try {
    parse(text, {
      bom: true,
      comment: '#',
      // Only a `#` that starts a line makes a comment: tokens and names may contain `#`.
      comment_no_infix: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (fields: string[], context) => {
        const blank = fields.length === 1 && fields[0]?.trim() === '';
        if (!blank) rows.push({ fields, line: context.lines });
        return null;
      },
    });
  } catch (err) {
    // csv-parse messages already say "at line N".
    throw new Error(`token file "${source}": ${errorMessage(err)}`);
  }
  return rows;
}

function toUser(columns: { name: string; uid: string; groups: string | undefined }): UserInfo {
  const user: UserInfo = {
    name: columns.name,
    // k8s splits on "," without trimming; empty pieces would only be meaningless "" groups.
    groups: (columns.groups ?? '').split(',').filter((g) => g !== ''),
  };
  if (columns.uid !== '') user.uid = columns.uid;
  return user;
}

const copyOf = (user: UserInfo): UserInfo => ({ ...user, groups: [...user.groups] });
