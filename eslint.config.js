import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './web/svelte.config.js';

export default ts.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/build/**',
      '**/.svelte-kit/**',
      '**/dist/**',
      '**/data/**',
      '**/test-results/**',
      '**/*.config.js',
      '**/*.config.ts'
    ]
  },
  js.configs.recommended,
  ...ts.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname
      }
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
      ],
      'no-console': 'error'
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, svelteConfig }
    }
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...ts.configs.disableTypeChecked
  },
  {
    // What every signed-in page loads (the shell, the dashboard, the sync engine, the local
    // database) must not pull in the app-registration rules and their country, phone and
    // postcode data (~90 KB gzipped; Lighthouse budget of issue 6): types only, the rules
    // through `$lib/apps/validation` (loaded when a write needs them).
    files: [
      'web/src/lib/device/**',
      'web/src/lib/pwa/**',
      'web/src/routes/+layout.*',
      'web/src/routes/(app)/+layout.*',
      'web/src/routes/(app)/+page.*',
      'web/src/lib/shell/**',
      'web/src/lib/apps/dashboard.svelte'
    ],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['apps', 'app-fields', 'countries', 'phone', 'postcode'].map((m) => ({
            name: `@kspay/shared/${m}`,
            allowTypeImports: true,
            message:
              'Heavy on first load: import types only, or load the rules via $lib/apps/validation.'
          }))
        }
      ]
    }
  },
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['server/tsconfig.json', 'web/tsconfig.json', 'shared/tsconfig.json'],
          noWarnOnMultipleProjects: true
        })
      ],
      'import-x/ignore': ['node_modules']
    },
    rules: {
      // A package is imported by its name (`@kspay/server/testing`, `@kspay/shared/ids`), never
      // by a relative path into another package's folder: its entries are its public surface.
      'import-x/no-relative-packages': 'error'
    }
  },
  {
    files: ['**/test/**', '**/*.test.ts', 'e2e/**', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' }
  }
);
