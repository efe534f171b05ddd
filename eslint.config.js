// ESLint flat config: typescript-eslint's type-aware recommended rules over src, tests and scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The runner reads stdout and stderr for workflow commands, and cluster text is untrusted: the
    // logger (src/util/log.ts) is the only way out, and it makes every line inert.
    files: ['src/**/*.ts'],
    ignores: ['src/util/log.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name=/^(stdout|stderr)$/]",
          message:
            'Write through the Logger (src/util/log.ts): it keeps cluster text from issuing workflow commands.',
        },
        {
          selector:
            "MemberExpression[object.name='core'][property.name=/^(info|issueCommand|issue)$/], MemberExpression[object.name='core'][property.value=/^(info|issueCommand|issue)$/], VariableDeclarator[init.name='core'] > ObjectPattern > Property[key.name=/^(info|issueCommand|issue)$/]",
          message:
            'core.info writes raw text: use the Logger (src/util/log.ts), which makes every line inert.',
        },
        {
          selector:
            'ImportDeclaration[source.value=/^@actions\\/core/] > ImportSpecifier[imported.name=/^(info|issueCommand|issue)$/]',
          message:
            'core.info writes raw text: use the Logger (src/util/log.ts), which makes every line inert.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
