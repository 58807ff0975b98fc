/** The flags a built binary accepts, read from its --help (`  --name <value>`, `  -v, --v <value>` lines). */
import { execFileSync } from 'node:child_process';

export function flagsOf(mainJs: string): Set<string> {
  const help = execFileSync('node', [mainJs, '--help'], { encoding: 'utf8' });
  const flags = [...help.matchAll(/^ {2}(?:-[a-zA-Z], )?--([a-z0-9-]+)/gm)].map((m) => m[1]!);
  if (flags.length === 0) throw new Error(`${mainJs} --help lists no flags`);
  return new Set(flags);
}

/** `--name=value` / `--name` → name; throws on anything else (the manifests always use `=`). */
export function flagName(arg: string): string {
  const m = /^--([a-z0-9-]+)(?:=.*)?$/.exec(arg);
  if (!m) throw new Error(`"${arg}" is not a --flag[=value] argument`);
  return m[1]!;
}

/** The value of `--name=value` among args, or undefined. */
export function flagValue(args: string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}
