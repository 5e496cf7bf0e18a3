import { defineConfig } from 'vitest/config';

// Tests drive the built CLI and real toolchains: generous timeouts, and few workers because
// cargo/go builds already use both cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 15 * 60_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
