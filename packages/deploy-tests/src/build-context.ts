/**
 * The Docker build context of the repository, as a clean clone would send it: the files git
 * knows of in the working tree (tracked or new, never ignored), minus what .dockerignore
 * excludes, copied into a fresh directory.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Docker's pattern syntax: `*` and `?` within one path segment, `**` across any number. */
function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (pattern.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (pattern.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern that names a directory excludes everything below it.
  return new RegExp(`^${source}(?:/.*)?$`);
}

/** A predicate over slash-separated paths relative to the context: true when excluded. */
export function parseDockerignore(text: string): (file: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = path.posix.normalize((negated ? l.slice(1) : l).replace(/^\/+/, ''));
      return { negated, regexp: patternToRegExp(pattern) };
    });
  return (file) => {
    let excluded = false;
    for (const rule of rules) if (rule.regexp.test(file)) excluded = !rule.negated;
    return excluded;
  };
}

/** Files of the working tree that git would commit, relative to the repository root. */
export function gitFiles(repoRoot: string): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    maxBuffer: 64 << 20,
  });
  return out
    .toString('utf8')
    .split('\0')
    .filter(
      (f) => f !== '' && existsSync(path.join(repoRoot, f)) && statSync(path.join(repoRoot, f)).isFile(),
    );
}

/** Copies the build context into `target`; returns the files copied. */
export function copyBuildContext(options: { repoRoot: string; target: string }): string[] {
  const ignoreFile = path.join(options.repoRoot, '.dockerignore');
  const excluded = existsSync(ignoreFile) ? parseDockerignore(readFileSync(ignoreFile, 'utf8')) : () => false;
  const files = gitFiles(options.repoRoot).filter((f) => !excluded(f));
  for (const file of files) {
    const to = path.join(options.target, file);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(path.join(options.repoRoot, file), to);
  }
  return files;
}
