/**
 * Replays a parsed Dockerfile on this machine, without Docker: each stage gets an empty
 * directory as its root filesystem, COPY copies from the build context or an earlier stage,
 * RUN runs with /bin/sh in the stage's WORKDIR under the stage's ENV. The base image is not
 * replayed: its node and npm are this machine's (the test checks the major version matches).
 * A cache mount is this machine's npm cache, as BuildKit keeps it outside the image.
 */
import { spawn } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DockerfileError } from './dockerfile';
import type { Instruction, Stage } from './dockerfile';

/** What `docker inspect` would say about the final stage, plus where its files are. */
export interface ReplayedImage {
  /** The final stage's root filesystem. */
  root: string;
  baseImage: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  volumes: string[];
  exposedPorts: string[];
  entrypoint: string[];
  cmd: string[];
}

export interface ReplayOptions {
  stages: Stage[];
  /** The build context (see copyBuildContext). */
  context: string;
  /** An empty directory; each stage's root is made inside it. */
  workDir: string;
  /** Progress lines (one per instruction). */
  log?: (line: string) => void;
}

interface StageState {
  root: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  volumes: string[];
  exposedPorts: string[];
  entrypoint: string[];
  cmd: string[];
}

/** A path inside a stage's root: absolute in the image, or relative to the WORKDIR. */
function inRoot(state: StageState, p: string): string {
  return path.join(state.root, path.posix.resolve(state.workdir, p));
}

/** RUN commands see only paths the replay can map: the WORKDIR and relative ones. */
function assertNoAbsolutePath(instruction: Instruction & { kind: 'RUN' }): void {
  if (/(^|[\s=:;&|'"])\/[A-Za-z.]/.test(instruction.command)) {
    throw new DockerfileError(
      instruction.line,
      `RUN uses an absolute path, which the replay cannot map into the image: ${instruction.command}`,
    );
  }
}

function chownTree(target: string, owner: string, line: number): void {
  const m = /^(\d+)(?::(\d+))?$/.exec(owner);
  if (!m) throw new DockerfileError(line, `--chown=${owner}: use numeric uid[:gid]`);
  // Only root may give files away; elsewhere ownership is not replayed.
  if (process.getuid?.() !== 0) return;
  const uid = Number(m[1]);
  const gid = Number(m[2] ?? m[1]);
  const walk = (p: string) => {
    chownSync(p, uid, gid);
    if (statSync(p).isDirectory()) for (const entry of readdirSync(p)) walk(path.join(p, entry));
  };
  walk(target);
}

/** Docker's COPY: a directory's contents go into dest; files into dest/ or onto dest. */
function copy(state: StageState, step: Instruction & { kind: 'COPY' }, sourceRoot: string): void {
  const dest = inRoot(state, step.dest);
  const intoDirectory = step.dest.endsWith('/') || step.sources.length > 1;
  for (const source of step.sources) {
    const from = path.join(sourceRoot, path.posix.normalize(`/${source}`));
    if (!existsSync(from))
      throw new DockerfileError(
        step.line,
        `COPY: ${source} is not in the ${step.from ? `stage ${step.from}` : 'build context'}`,
      );
    const to = statSync(from).isDirectory() || !intoDirectory ? dest : path.join(dest, path.basename(from));
    mkdirSync(statSync(from).isDirectory() ? to : path.dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true });
    if (step.chown) chownTree(to, step.chown, step.line);
  }
}

function run(state: StageState, step: Instruction & { kind: 'RUN' }): Promise<void> {
  assertNoAbsolutePath(step);
  if (state.user !== undefined) {
    throw new DockerfileError(step.line, 'RUN after USER is not replayed (RUN as root, then USER)');
  }
  // A build starts from a clean environment: PATH and HOME (for the npm cache) plus ENV.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
    // The local cache stands in for the cache mount; a warm one need not be revalidated.
    ...(step.cacheTargets.length > 0 ? { npm_config_prefer_offline: 'true' } : {}),
    ...state.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', step.command], { cwd: inRoot(state, '.'), env, stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new DockerfileError(step.line, `RUN ${step.command} exited ${code}:\n${output.slice(-4000)}`),
          ),
    );
  });
}

async function apply(state: StageState, step: Instruction, roots: Map<string, string>, context: string) {
  switch (step.kind) {
    case 'WORKDIR':
      state.workdir = path.posix.resolve(state.workdir, step.path);
      mkdirSync(inRoot(state, '.'), { recursive: true });
      return;
    case 'COPY': {
      const sourceRoot = step.from === undefined ? context : roots.get(step.from);
      if (!sourceRoot)
        throw new DockerfileError(step.line, `COPY --from=${step.from}: no earlier stage of that name`);
      copy(state, step, sourceRoot);
      return;
    }
    case 'RUN':
      return run(state, step);
    case 'ENV':
      state.env[step.name] = step.value;
      return;
    case 'USER':
      state.user = step.user;
      return;
    case 'VOLUME':
      state.volumes.push(...step.paths);
      return;
    case 'EXPOSE':
      state.exposedPorts.push(...step.ports);
      return;
    case 'ENTRYPOINT':
      state.entrypoint = step.argv;
      return;
    case 'CMD':
      state.cmd = step.argv;
      return;
  }
}

/** Runs every stage in order; resolves with the final stage as an image. */
export async function replayDockerfile(options: ReplayOptions): Promise<ReplayedImage> {
  const roots = new Map<string, string>();
  let state: StageState | undefined;
  let baseImage = '';
  for (const [index, stage] of options.stages.entries()) {
    const root = path.join(options.workDir, `stage-${index}${stage.name ? `-${stage.name}` : ''}`);
    mkdirSync(root, { recursive: true });
    state = { root, workdir: '/', env: {}, volumes: [], exposedPorts: [], entrypoint: [], cmd: [] };
    baseImage = stage.baseImage;
    for (const step of stage.instructions) {
      options.log?.(`[${stage.name ?? index}] ${step.kind} (line ${step.line})`);
      await apply(state, step, roots, options.context);
    }
    roots.set(stage.name ?? String(index), root);
    roots.set(String(index), root);
  }
  const { root, workdir, env, user, volumes, exposedPorts, entrypoint, cmd } = state!;
  return { root, baseImage, workdir, env, user, volumes, exposedPorts, entrypoint, cmd };
}
