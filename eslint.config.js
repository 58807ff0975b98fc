// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

/**
 * The apiserver's layers: what each folder of packages/apiserver/src may import from the others
 * (requests flow http → handlers → registry/strategy → storage; server/ assembles everything;
 * apis/ — the installed kinds — and errors/ are read by all and import none). Every folder not
 * listed for a layer is forbidden to it; `folder/file` entries allow that one module only (http
 * sees storage's interface and errors, never a backend).
 */
const LAYERS = {
  apis: [],
  errors: [],
  threads: [],
  config: ['storage/file/sync-mode'],
  logging: ['config'],
  storage: ['apis', 'threads'],
  auth: ['errors', 'config', 'logging', 'apis'],
  cluster: ['auth', 'logging', 'errors'],
  admission: ['auth', 'cluster', 'storage', 'errors', 'logging', 'config', 'apis'],
  registry: ['admission', 'storage', 'errors', 'apis'],
  handlers: ['registry', 'storage', 'errors', 'apis'],
  discovery: ['apis'],
  observability: ['auth', 'admission', 'storage', 'logging', 'errors', 'apis'],
  http: [
    'handlers',
    'registry',
    'storage/interface',
    'storage/errors',
    'admission',
    'auth',
    'discovery',
    'observability',
    'logging',
    'errors',
    'apis',
    'threads',
  ],
};
const FOLDERS = [...Object.keys(LAYERS), 'server'];

const layer = (name, allowed) => ({
  files: [`packages/apiserver/src/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: FOLDERS.filter((f) => f !== name && !allowed.includes(f)).map((f) => {
          const only = allowed.filter((a) => a.startsWith(`${f}/`));
          const except = only.map((a) => a.slice(f.length + 1)).join('|');
          return {
            // Any relative path through the folder (`../f/x`, `../../f/y/z`), but the allowed modules.
            regex: `^\\.{1,2}/(?:\\.\\./)*${f}/${except ? `(?!(?:${except})$)` : ''}`,
            message: only.length
              ? `${name}/ may import only ${only.join(', ')} of ${f}/ (eslint.config.js LAYERS).`
              : `${name}/ may not import ${f}/: see the layers in eslint.config.js (LAYERS).`,
          };
        }),
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
  ...Object.entries(LAYERS).map(([name, allowed]) => layer(name, allowed)),
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
