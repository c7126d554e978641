// Cleanup that runs however a benchmark ends: normally (finally), on an error, or on Ctrl-C.

/**
 * A stack of cleanup tasks run last-in first-out by `run()`; each task's failure is reported
 * and the next still runs. `installSignalHandlers()` makes SIGINT/SIGTERM run them and exit 130.
 */
export function createCleanup(log = (line) => process.stderr.write(`${line}\n`)) {
  const tasks = [];
  let running;

  function add(name, task) {
    const entry = { name, task };
    tasks.push(entry);
    return () => {
      const i = tasks.indexOf(entry);
      if (i >= 0) tasks.splice(i, 1);
    };
  }

  /** Runs `task` now and removes it from the stack (for cleanup done on the normal path). */
  function now(remove, task) {
    remove();
    return task();
  }

  function run() {
    running ??= (async () => {
      while (tasks.length > 0) {
        const { name, task } = tasks.pop();
        try {
          await task();
        } catch (error) {
          log(`cleanup ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      running = undefined;
    })();
    return running;
  }

  function installSignalHandlers() {
    let signalled = false;
    const onSignal = (signal) => {
      if (signalled) process.exit(130);
      signalled = true;
      log(`\n${signal}: cleaning up (child processes, schemas, temp files) ...`);
      void run().finally(() => process.exit(130));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  return { add, now, run, installSignalHandlers };
}
