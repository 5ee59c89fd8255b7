// Shared test setup: tests never reach outside this machine.
process.env.NODE_ENV ??= 'test';
