// Shared test setup: tests never reach outside this machine.
process.env.NODE_ENV ??= 'test';

// The throwaway PostgreSQL cluster some suites start is stopped once, after the whole run.
export const mochaHooks = {
  async afterAll(): Promise<void> {
    const { stopTestPostgres } = await import('./helpers/postgres.js');
    stopTestPostgres();
  },
};
