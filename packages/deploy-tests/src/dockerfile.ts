/**
 * A parser for the small Dockerfile subset pwk's images use, so a test can replay them without
 * a Docker engine. Anything outside the subset is a DockerfileError naming the line: an image
 * that needs more would also need a replay that understands more, and must not pass silently.
 */

export type Instruction =
  | { kind: 'WORKDIR'; line: number; path: string }
  | { kind: 'COPY'; line: number; sources: string[]; dest: string; from?: string; chown?: string }
  | { kind: 'RUN'; line: number; command: string; cacheTargets: string[] }
  | { kind: 'ENV'; line: number; name: string; value: string }
  | { kind: 'USER'; line: number; user: string }
  | { kind: 'VOLUME'; line: number; paths: string[] }
  | { kind: 'EXPOSE'; line: number; ports: string[] }
  | { kind: 'ENTRYPOINT'; line: number; argv: string[] }
  | { kind: 'CMD'; line: number; argv: string[] };

export interface Stage {
  /** The `AS` name, if any. */
  name?: string;
  baseImage: string;
  instructions: Instruction[];
}

export class DockerfileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'DockerfileError';
  }
}

interface LogicalLine {
  line: number;
  keyword: string;
  rest: string;
}

/** Joins `\` continuations and drops comments and blank lines (parser directives are comments). */
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let pending: { line: number; text: string } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === undefined && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== undefined && trimmed.startsWith('#')) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending
      ? { line: pending.line, text: `${pending.text} ${part}` }
      : { line: index + 1, text: part };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending.text)!;
    out.push({ line: pending.line, keyword: match[1]!.toUpperCase(), rest: match[2]! });
    pending = undefined;
  });
  if (pending) throw new DockerfileError(pending.line, 'the last line ends with a continuation');
  return out;
}

/** Leading `--name=value` flags of an instruction, restricted to the names it may take. */
function takeFlags(l: LogicalLine, allowed: string[]): { flags: Map<string, string[]>; rest: string } {
  const flags = new Map<string, string[]>();
  let rest = l.rest;
  const flag = /^--([a-z-]+)(?:=(\S+))?(?:\s+|$)/;
  for (let m = flag.exec(rest); m; m = flag.exec(rest)) {
    const name = m[1]!;
    if (!allowed.includes(name)) throw new DockerfileError(l.line, `${l.keyword} --${name} is not supported`);
    if (m[2] === undefined) throw new DockerfileError(l.line, `${l.keyword} --${name} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), m[2]]);
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** Exec form only (`["node", "main.js"]`): shell form would put a shell between PID 1 and node. */
function execForm(l: LogicalLine): string[] {
  let argv: unknown;
  try {
    argv = JSON.parse(l.rest);
  } catch {
    argv = undefined;
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
    throw new DockerfileError(l.line, `${l.keyword} must use the exec form ["binary", "arg", ...]`);
  }
  return argv as string[];
}

function words(l: LogicalLine, min: number): string[] {
  const list = l.rest.split(/\s+/).filter((w) => w !== '');
  if (list.length < min) throw new DockerfileError(l.line, `${l.keyword} needs at least ${min} argument(s)`);
  return list;
}

/** `type=cache,target=/root/.npm` → the target; any other mount is outside the subset. */
function cacheTarget(l: LogicalLine, spec: string): string {
  const fields = new Map(spec.split(',').map((kv) => kv.split('=') as [string, string]));
  const target = fields.get('target');
  if (fields.get('type') !== 'cache' || !target) {
    throw new DockerfileError(
      l.line,
      `RUN --mount=${spec}: only type=cache mounts with a target are supported`,
    );
  }
  return target;
}

function parseInstruction(l: LogicalLine): Instruction {
  const { line } = l;
  switch (l.keyword) {
    case 'WORKDIR':
      return { kind: 'WORKDIR', line, path: words(l, 1).join(' ') };
    case 'COPY': {
      const { flags, rest } = takeFlags(l, ['from', 'chown']);
      const list = words({ ...l, rest }, 2);
      if (list.some((w) => /[*?[]/.test(w)))
        throw new DockerfileError(line, 'COPY with wildcards is not supported');
      return {
        kind: 'COPY',
        line,
        sources: list.slice(0, -1),
        dest: list[list.length - 1]!,
        from: flags.get('from')?.[0],
        chown: flags.get('chown')?.[0],
      };
    }
    case 'RUN': {
      const { flags, rest } = takeFlags(l, ['mount']);
      if (rest.startsWith('[')) throw new DockerfileError(line, 'RUN must use the shell form');
      if (rest === '') throw new DockerfileError(line, 'RUN needs a command');
      return {
        kind: 'RUN',
        line,
        command: rest,
        cacheTargets: (flags.get('mount') ?? []).map((m) => cacheTarget(l, m)),
      };
    }
    case 'ENV': {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(l.rest);
      if (!m) throw new DockerfileError(line, 'ENV must be one NAME=value without spaces');
      return { kind: 'ENV', line, name: m[1]!, value: m[2]! };
    }
    case 'USER':
      return { kind: 'USER', line, user: words(l, 1)[0]! };
    case 'VOLUME':
      return { kind: 'VOLUME', line, paths: l.rest.startsWith('[') ? execForm(l) : words(l, 1) };
    case 'EXPOSE':
      return { kind: 'EXPOSE', line, ports: words(l, 1) };
    case 'ENTRYPOINT':
      return { kind: 'ENTRYPOINT', line, argv: execForm(l) };
    case 'CMD':
      return { kind: 'CMD', line, argv: execForm(l) };
    default:
      throw new DockerfileError(line, `${l.keyword} is not supported by the replay`);
  }
}

/** Parses a Dockerfile into its stages, in order. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const l of logicalLines(text)) {
    if (l.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+([a-z][a-z0-9_.-]*))?$/i.exec(l.rest);
      if (!m || m[1]!.startsWith('--')) throw new DockerfileError(l.line, 'FROM must be "image [AS name]"');
      stages.push({ baseImage: m[1]!, name: m[2]?.toLowerCase(), instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) throw new DockerfileError(l.line, `${l.keyword} before the first FROM`);
    stage.instructions.push(parseInstruction(l));
  }
  if (stages.length === 0) throw new DockerfileError(1, 'no FROM: not a Dockerfile');
  return stages;
}
