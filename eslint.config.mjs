// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.e2e/',
      'coverage/',
      'bench/results/',
      'bench/.build/',
      'test/webview/artifacts/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `async` without `await` is used on purpose: a synchronous throw becomes a rejection, and
      // the function meets a Promise-returning interface (handlers, keychain backends, fakes).
      '@typescript-eslint/require-await': 'off',
      // `ProviderId | string` documents the known values of an open set; it is not a mistake.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // Values read from JSON (log lines, provider bodies) are stringified on purpose with
      // String(x ?? ''); the rule cannot tell them from objects.
      '@typescript-eslint/no-base-to-string': 'off',
      // Abort reasons and caught errors are `unknown` by nature and are passed on as they are.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      // A leading underscore marks a value that is destructured away or a parameter kept for its position.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Product code logs through the daemon's Logger (which redacts keys) or the extension's
    // output channel; console output would bypass both.
    files: ['daemon/**/*.ts', 'extension/**/*.ts', 'webview/**/*.ts', 'protocol/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The provider SDKs type an APIError's status, headers and body as `any`; the adapters read
    // them right after an `instanceof` check.
    files: ['daemon/providers/*/*Error.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // Tests: vitest's asymmetric matchers (expect.any, expect.objectContaining) are typed `any`,
    // JSON.parse of a recorded body is `any`, and `expect(obj.method)` passes a method unbound
    // on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Build scripts, configs and the CLI's launcher are plain Node JavaScript outside tsconfig:
    // lint them without types.
    files: ['**/*.{js,mjs,cjs,mts}'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
