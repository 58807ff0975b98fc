/**
 * @kubernetes/client-node 1.x (and openid-client, oauth4webapi, jose below it) ship only ES
 * modules. Under plain Node 20.19+ `require()` loads them natively (that is how dist/main.js
 * runs), but jest 30 supports require(esm) only on Node 24.9+; on Node 20 its CommonJS loader
 * rejects them. So jest transpiles exactly those packages to CommonJS with ts-jest (allowJs,
 * transpile-only, cached after the first run) and leaves the rest of node_modules alone. That
 * keeps the real library — the very informer whose quirks src/kube/ works around — under test,
 * instead of a mock of it.
 */
const ESM_ONLY = ['@kubernetes/client-node', 'openid-client', 'oauth4webapi', 'jose'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    '^.+\\.js$': [
      'ts-jest',
      {
        tsconfig: {
          allowJs: true,
          isolatedModules: true,
          module: 'commonjs',
          target: 'ES2022',
          sourceMap: false,
          declaration: false,
        },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleNameMapper: {
    '^@pwk/api$': '<rootDir>/../api/src/index.ts',
    '^@pwk/process$': '<rootDir>/../process/src/index.ts',
  },
  // Integration suites each run a real apiserver process; two cores are shared.
  maxWorkers: 2,
};
