import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Corpus-wide and browser tests read hundreds of real files; the default 5 s is too short for them.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here: more forks only fight over them.
    maxWorkers: 2,
  },
});
