// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

/** Imports only go downward: http → handlers → registry → storage. */
const layer = (name, forbidden) => ({
  files: [`packages/apiserver/src/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((f) => ({
          group: [`**/${f}/*`, `../${f}`, `./${f}`],
          message: `${name}/ sits below ${f}/: imports only go downward (http → handlers → registry → storage).`,
        })),
      },
    ],
  },
});

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        console: 'readonly',
        global: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
        setImmediate: 'readonly',
        clearTimeout: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-params': ['error', 4],
      eqeqeq: ['error', 'smart'],
    },
  },
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  layer('storage', ['http', 'handlers', 'registry', 'discovery', 'auth']),
  layer('registry', ['http', 'handlers', 'discovery', 'auth']),
  layer('handlers', ['http', 'discovery', 'auth']),
  {
    // The controller talks to Kubernetes through one adapter folder (src/kube/), so the
    // library's quirks are handled in one place.
    files: ['packages/controller/src/**/*.ts'],
    ignores: ['packages/controller/src/kube/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@kubernetes/client-node', message: 'only src/kube/ may import the client library' },
          ],
        },
      ],
    },
  },
  prettier,
);
