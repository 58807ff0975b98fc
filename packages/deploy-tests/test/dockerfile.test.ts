/** The Dockerfile subset parser, the .dockerignore matcher and the replay's own rules. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDockerignore } from '../src/build-context';
import { DockerfileError, parseDockerfile } from '../src/dockerfile';
import { replayDockerfile } from '../src/dockerfile-replay';

describe('parseDockerfile', () => {
  it('reads stages, flags, continuations and exec forms, skipping comments and directives', () => {
    const stages = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'FROM node:20-slim AS Build',
        'WORKDIR /src',
        'COPY --chown=1000:1000 a b ./',
        'RUN --mount=type=cache,target=/root/.npm npm ci \\',
        '    # a comment inside a continuation',
        '    --no-audit',
        'FROM node:20-slim',
        'ENV NODE_ENV=production',
        'COPY --from=build /src/dist dist',
        'USER 1000:1000',
        'VOLUME /data',
        'EXPOSE 8443',
        'ENTRYPOINT ["node", "dist/main.js"]',
        'CMD ["--x=1"]',
      ].join('\n'),
    );
    expect(stages.map((s) => [s.name, s.baseImage])).toEqual([
      ['build', 'node:20-slim'],
      [undefined, 'node:20-slim'],
    ]);
    expect(stages[0]!.instructions).toEqual([
      { kind: 'WORKDIR', line: 3, path: '/src' },
      { kind: 'COPY', line: 4, sources: ['a', 'b'], dest: './', from: undefined, chown: '1000:1000' },
      { kind: 'RUN', line: 5, command: 'npm ci --no-audit', cacheTargets: ['/root/.npm'] },
    ]);
    expect(stages[1]!.instructions.map((i) => i.kind)).toEqual([
      'ENV',
      'COPY',
      'USER',
      'VOLUME',
      'EXPOSE',
      'ENTRYPOINT',
      'CMD',
    ]);
    expect(stages[1]!.instructions[5]).toMatchObject({ argv: ['node', 'dist/main.js'] });
  });

  it.each([
    ['ADD a b', /line 2: ADD is not supported/],
    ['ENTRYPOINT node main.js', /line 2: ENTRYPOINT must use the exec form/],
    ['CMD []', /CMD must use the exec form/],
    ['COPY --link a b', /COPY --link is not supported/],
    ['COPY --from a b', /COPY --from needs a value/],
    ['COPY src/*.ts dist/', /wildcards/],
    ['COPY a', /COPY needs at least 2/],
    ['RUN --mount=type=secret,id=x make', /only type=cache mounts/],
    ['RUN ["make"]', /RUN must use the shell form/],
    ['ENV A=1 B=2', /ENV must be one NAME=value/],
    ['RUN make \\', /ends with a continuation/],
  ])('refuses `%s`', (line, message) => {
    expect(() => parseDockerfile(`FROM node:20-slim\n${line}`)).toThrow(message);
  });

  it('refuses instructions before FROM, a malformed FROM, and an empty file', () => {
    expect(() => parseDockerfile('RUN make')).toThrow(/line 1: RUN before the first FROM/);
    expect(() => parseDockerfile('FROM --platform=x node')).toThrow(/FROM must be/);
    expect(() => parseDockerfile('# nothing\n')).toThrow(DockerfileError);
  });

  it('parses the repository Dockerfiles', () => {
    for (const file of ['Dockerfile.apiserver', 'Dockerfile.controller']) {
      const text = readFileSync(path.join(__dirname, '../../..', file), 'utf8');
      expect(parseDockerfile(text).length).toBe(2);
    }
  });
});

describe('parseDockerignore', () => {
  const ignored = parseDockerignore(
    [
      '# comment',
      '**/node_modules',
      '.git',
      'deploy/overlays/*/generated',
      'data',
      '*.log',
      '!keep.log',
    ].join('\n'),
  );

  it.each([
    ['node_modules/x/index.js', true],
    ['packages/api/node_modules/zod/index.js', true],
    ['.git/HEAD', true],
    ['deploy/overlays/default/generated/tls.key', true],
    ['data/bar.pwk.educative.io/foos/default/x.json', true],
    ['packages/apiserver/data/x', false],
    ['debug.log', true],
    ['keep.log', false],
    ['packages/api/src/index.ts', false],
    ['deploy/overlays/default/kustomization.yaml', false],
  ])('%s excluded: %s', (file, expected) => {
    expect(ignored(file)).toBe(expected);
  });
});

describe('replayDockerfile', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const replay = (dockerfile: string, files: Record<string, string> = {}) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pwk-replay-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, 'context', name)), { recursive: true });
      writeFileSync(path.join(dir, 'context', name), text);
    }
    mkdirSync(path.join(dir, 'context'), { recursive: true });
    return replayDockerfile({
      stages: parseDockerfile(dockerfile),
      context: path.join(dir, 'context'),
      workDir: dir,
    });
  };

  it('copies directories by content, runs commands in WORKDIR with ENV, and copies between stages', async () => {
    const image = await replay(
      [
        'FROM node:20-slim AS build',
        'WORKDIR /src',
        'COPY pkg pkg',
        'ENV GREETING=hello',
        'RUN mkdir out && cat pkg/a.txt > out/b.txt && echo "$GREETING" >> out/b.txt',
        'FROM node:20-slim',
        'WORKDIR /app',
        'COPY --from=build /src/out out',
        'COPY pkg/a.txt single/',
        'USER 1000',
        'ENTRYPOINT ["node", "x.js"]',
      ].join('\n'),
      { 'pkg/a.txt': 'from a\n' },
    );
    expect(readFileSync(path.join(image.root, 'app/out/b.txt'), 'utf8')).toBe('from a\nhello\n');
    expect(readFileSync(path.join(image.root, 'app/single/a.txt'), 'utf8')).toBe('from a\n');
    expect(image).toMatchObject({ workdir: '/app', user: '1000', entrypoint: ['node', 'x.js'], env: {} });
  });

  it('fails on a failing RUN with its output, naming the line', async () => {
    await expect(replay('FROM node:20-slim\nRUN echo broken >&2 && exit 3')).rejects.toThrow(
      /line 2: RUN .* exited 3:\nbroken/,
    );
  });

  it('refuses a RUN that touches an absolute path, which would be this machine', async () => {
    await expect(replay('FROM node:20-slim\nRUN mkdir -p /data')).rejects.toThrow(/absolute path/);
  });

  it('refuses a RUN after USER, and a COPY of what the context or stage lacks', async () => {
    await expect(replay('FROM node:20-slim\nUSER 1000\nRUN true')).rejects.toThrow(/RUN after USER/);
    await expect(replay('FROM node:20-slim\nCOPY missing.txt ./')).rejects.toThrow(
      /missing\.txt is not in the build context/,
    );
    await expect(replay('FROM node:20-slim\nCOPY --from=nope /x y')).rejects.toThrow(/no earlier stage/);
    await expect(replay('FROM node:20-slim\nCOPY --chown=node a ./', { a: '' })).rejects.toThrow(
      /numeric uid/,
    );
  });
});
