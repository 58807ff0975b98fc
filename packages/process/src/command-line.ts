/**
 * Flags the way Kubernetes binaries take them (spf13/pflag under cobra), so an operator's habits
 * carry over:
 * - `--name=value` and `--name value`; given twice, the last one wins;
 * - booleans: `--name` alone or `--name=true|false` (Go's strconv.ParseBool: 1/0, t/f, true/false,
 *   TRUE/FALSE, True/False); `--name false` is no value: `false` is then an argument, refused;
 * - one-letter shorthands: `-h`, `-v 2`, `-v=2`, `-v2`;
 * - `--` ends the flags; the binaries take no arguments.
 * Errors are one line, in pflag's words (`unknown flag: --x`, `flag needs an argument: --x`,
 * `invalid argument "y" for "--x" flag: ...`); the binary then exits 2.
 *
 * Hand-written: node:util parseArgs refuses `--bool=true`, and commander, yargs and minimist take
 * the word after a boolean flag as its value, which pflag does not.
 */
import { z } from 'zod';
import { parseDuration } from './duration';

export interface FlagSpec {
  description: string;
  default?: string;
  /** Takes no value; `--name=false` turns it off. */
  boolean?: boolean;
  /** The one-letter form, as pflag's shorthand (`-h`, `-v`). */
  shorthand?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export class ConfigError extends Error {}

/** The words of pflag's error for a value its flag cannot take. */
export const invalidArgument = (value: string, flag: string, expected: string): string =>
  `invalid argument ${JSON.stringify(value)} for "--${flag}" flag: ${expected}`;

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** Go's strconv.ParseBool, which pflag's booleans use; undefined for anything else. */
export function parseGoBool(text: string): boolean | undefined {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return undefined;
}

/**
 * The flags given, by name, as text; booleans as "true" or "false". Defaults are not filled in.
 * Throws ConfigError with one line (pointing at --help) for anything pflag would refuse.
 */
export function readFlags(
  argv: readonly string[],
  specs: FlagSpecs,
  command: string,
): Record<string, string> {
  const values: Record<string, string> = {};
  const args: string[] = [];
  const byShorthand = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.shorthand) byShorthand.set(spec.shorthand, name);
  const fail = (message: string): never => {
    throw new ConfigError(`${message} (see --help)`);
  };
  const set = (name: string, value: string): void => {
    if (!specs[name]!.boolean) {
      values[name] = value;
      return;
    }
    const bool = parseGoBool(value);
    if (bool === undefined) fail(invalidArgument(value, name, 'must be true or false'));
    values[name] = String(bool);
  };

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const next = (): string | undefined => (i + 1 < argv.length ? argv[++i] : undefined);
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [name, value] = splitOnce(arg.slice(2));
      if (name === '' || name.startsWith('-')) fail(`bad flag syntax: ${arg}`);
      const spec = specs[name] ?? fail(`unknown flag: --${name}`);
      const given = value ?? (spec.boolean ? 'true' : next());
      set(name, given ?? fail(`flag needs an argument: --${name}`));
    } else if (arg.startsWith('-') && arg.length > 1) {
      readShorthands(arg, { byShorthand, specs, set, next, fail });
    } else {
      args.push(arg);
    }
  }
  if (args.length > 0) fail(`"${command}" does not take any arguments, got ${JSON.stringify(args)}`);
  return values;
}

function splitOnce(text: string): [string, string | undefined] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
}

/** pflag's `-abc`: booleans one after another; one taking a value takes the rest, or the next argument. */
function readShorthands(
  arg: string,
  ctx: {
    byShorthand: Map<string, string>;
    specs: FlagSpecs;
    set: (name: string, value: string) => void;
    next: () => string | undefined;
    fail: (message: string) => never;
  },
): void {
  let rest = arg.slice(1);
  while (rest !== '') {
    const letter = rest[0]!;
    const name = ctx.byShorthand.get(letter) ?? ctx.fail(`unknown shorthand flag: '${letter}' in ${arg}`);
    rest = rest.slice(1);
    if (rest.startsWith('=')) return ctx.set(name, rest.slice(1));
    if (ctx.specs[name]!.boolean) {
      ctx.set(name, 'true');
      continue;
    }
    if (rest !== '') return ctx.set(name, rest);
    return ctx.set(name, ctx.next() ?? ctx.fail(`flag needs an argument: '${letter}' in -${letter}`));
  }
}

/** A flag's text through `parse`; `INVALID` becomes pflag's "invalid argument" line. */
export const INVALID = Symbol('invalid flag value');

export const flagValue = <T>(flag: string, expected: string, parse: (text: string) => T | typeof INVALID) =>
  z.string().transform((text, ctx) => {
    const value = parse(text);
    if (value !== INVALID) return value as T;
    ctx.addIssue({ code: 'custom', message: invalidArgument(text, flag, expected) });
    return z.NEVER;
  });

export const nonEmptyFlag = (flag: string) =>
  flagValue(flag, 'must not be empty', (text) => (text === '' ? INVALID : text));

export const durationFlag = (flag: string) =>
  flagValue(flag, 'must be a duration (examples: 30s, 1m30s, 0)', (text) => parseDuration(text) ?? INVALID);

export const intFlag = (flag: string, min: number, max: number) =>
  flagValue(flag, `must be an integer from ${min} to ${max}`, (text) => {
    const n = Number(text);
    return /^[0-9]+$/.test(text) && n >= min && n <= max ? n : INVALID;
  });

export const oneOfFlag = <T extends string>(flag: string, values: readonly T[]) =>
  flagValue(flag, `must be one of ${values.join(', ')}`, (text) =>
    (values as readonly string[]).includes(text) ? (text as T) : INVALID,
  );

export const boolFlag = (flag: string) =>
  flagValue(flag, 'must be true or false', (text) => parseGoBool(text) ?? INVALID);

/**
 * klog's `-v`: how much to log. pwk's loggers have npm levels, so 0–1 is info, 2–3 info with more
 * detail per request, 4 and above debug.
 */
export const verbosityFlag = (flag: string) => intFlag(flag, 0, 2_147_483_647);

export function logLevelForVerbosity(verbosity: number): 'info' | 'debug' {
  return verbosity >= 4 ? 'debug' : 'info';
}

/** --help: usage, then each flag (`  -v, --v <value>`) with its description and default. */
export function helpText(options: { usage: string; about: string; flags: FlagSpecs }): string {
  const lines = [`Usage: ${options.usage}`, '', options.about, '', 'Flags:'];
  for (const [name, spec] of Object.entries(options.flags)) {
    const short = spec.shorthand ? `-${spec.shorthand}, ` : '';
    const def = spec.default !== undefined ? ` (default ${JSON.stringify(spec.default)})` : '';
    lines.push(`  ${short}--${name}${spec.boolean ? '' : ' <value>'}`, `      ${spec.description}${def}`);
  }
  return `${lines.join('\n')}\n`;
}
