// ink decides once, when it is first imported, whether it runs in CI (the CI variable), and
// in CI it draws only the last frame. These tests drive the live screen, as in a terminal,
// so they run with CI unset; the trainer never mounts the dashboard when CI is set.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
