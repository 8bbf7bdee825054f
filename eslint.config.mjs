// @ts-check
/**
 * ESLint for the whole repository (`npm run lint`, part of `npm test`, zero warnings).
 *
 * - TypeScript (`*.ts`, `*.tsx`): typescript-eslint's `recommendedTypeChecked`. The project
 *   service gives every file the type information of its nearest tsconfig.json: the root one
 *   for apps/api, apps/cli, libs, test, bench, scripts and scenarios; apps/web/tsconfig.json
 *   (Preact, TSX, DOM) for the dashboard; examples/report-consumer/tsconfig.json for the
 *   example consumer.
 * - Plain JavaScript (the jest and dependency-cruiser configs, and the CommonJS clients that
 *   bench and soak run in worker threads and child processes without ts-node): ESLint's own
 *   `recommended`, with Node's globals.
 * - A disable comment must say why, after `--`
 *   (`// eslint-disable-next-line rule -- reason`), and an unused one is an error.
 *
 * Turned off, each with its reason beside it below: `require-await` everywhere, and the any-flow
 * rules (`no-unsafe-*`) in the end-to-end specs only.
 */
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'coverage/**',
      'data/**',
      '.tmp/**',
      'test-artifacts/**',
      'test/artifacts/**',
      'bench/results/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  eslint.configs.recommended,
  comments.recommended,
  {
    rules: {
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Off: an `async` method without `await` is how this code implements a contract that
      // returns a Promise (Nest's IQueryHandler.execute, the EventStore port, ICommandHandler),
      // and it turns a throw into a rejection, which callers rely on. Forgotten awaits, what the
      // rule is after, are caught by no-floating-promises and no-misused-promises.
      '@typescript-eslint/require-await': 'off',
      // Options, not off: a leading underscore marks a parameter or binding kept on purpose,
      // and `const { dropped, ...rest } = x` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The end-to-end specs read JSON answers over HTTP (the test client's `body` is `any`) and
    // judge them with jest's matchers (`toEqual`, `toMatchObject`), which is where their shape is
    // checked. Casting each answer to a type first would assert nothing more, so the any-flow
    // rules are off here only; `no-explicit-any` stays on, and the support code in test/support
    // and test/crash is checked in full.
    files: ['test/**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  {
    files: ['apps/web/src/**/*.ts', 'apps/web/src/**/*.tsx'],
    languageOptions: { globals: globals.browser },
  },
);
