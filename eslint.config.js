import eslint from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.test-results/**', 'bin/**']},
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {languageOptions: {globals: {...globals.node}}},
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/sandbox/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '**/adapters/**', '@oclif/*', 'ink', 'react'],
              message: 'The sandbox speaks the wire protocol itself: no SDK, adapters or UI.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@aws-sdk/*',
                'ink',
                'react',
                '@oclif/*',
                'node:fs',
                'node:http',
                '**/adapters/**',
                '**/sandbox/**',
                '**/wiring/**',
              ],
              message: 'core is pure: no I/O or framework imports.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/services/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@aws-sdk/*',
                'ink',
                'react',
                '@oclif/*',
                '**/adapters/**',
                '**/ui/**',
                '**/cli/**',
                '**/wiring/**',
              ],
              message: 'services depend on core ports only.',
            },
            {
              group: ['fs', 'fs/*', 'node:fs', 'node:fs/*'],
              message: "services don't touch the file system directly: put the I/O behind a port in src/adapters/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/commands/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/**'],
              message: 'commands and cli call services; adapters are wired in src/wiring',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/wiring/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['ink', 'react', '@oclif/*', '**/ui/**', '**/cli/**', '**/commands/**'],
              message:
                'wiring builds adapters and hands services their ports: no UI, no oclif, and never the edge that calls it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@oclif/*', '**/adapters/**', '**/sandbox/**', '**/wiring/**'],
              message: 'ui renders state only.',
            },
          ],
        },
      ],
    },
  },
  prettier,
)
