import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from './tools/eslint/import-boundaries.js';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.edgeflow/',
      '.scratch/',
      '.bench/',
      'test-results/',
      'coverage/',
      '**/__golden__/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { edgeflow: boundaries },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      'edgeflow/import-boundaries': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/utils', '**/utils.js'],
              message: 'no utils dumping grounds: put a helper beside its user',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['compiler/**/*.ts'],
    ignores: ['**/*.test.ts'], // tests may read golden files
    rules: {
      // The compiler is pure: no network, files, processes or clock.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'fs',
            'node:fs',
            'fs/promises',
            'node:fs/promises',
            'net',
            'node:net',
            'http',
            'node:http',
            'https',
            'node:https',
            'child_process',
            'node:child_process',
          ].map((name) => ({
            name,
            message: 'compiler/ is pure: no I/O',
          })),
        },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'compiler/ is pure: no network' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'compiler/ is pure: no clock' },
      ],
    },
  },
);
