import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'devTools/**', 'test-artifacts/**', 'dist/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The house's boundary: the domain never imports the bot framework or the web server. Only
    // the Teams seam (src/bot/, the outbox's sender) and the HTTP edge (src/server.ts, src/http/,
    // src/tab/) may; a domain file that does fails the lint (test/lint-boundary.test.ts).
    files: ['src/tickets/**', 'src/booking/**', 'src/calendar/**', 'src/faq/**', 'src/store/**', 'src/stats/**', 'src/privacy/**', 'src/outbox/**', 'src/domain-error.ts'],
    ignores: ['src/outbox/bot-sender.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'botbuilder', message: 'Domain code does not import the bot framework: take what you need through a port (src/bot/ implements it).' },
            { name: 'express', message: 'Domain code does not import the web server: an HTTP route belongs in src/http/ or src/tab/.' },
          ],
          patterns: [{ group: ['botbuilder-*', 'botframework-*', '@microsoft/agents-*'], message: 'Domain code does not import the bot framework.' }],
        },
      ],
    },
  },
);
