import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** What the closing line needs of one test file. */
export interface ModuleOutcome {
  /** The file's own state: `failed` also when it failed to import or a hook failed. */
  readonly state: string;
  /** Errors of the file or of its suites outside any test (import errors, beforeAll/afterAll). */
  readonly errors: number;
  /** The state of each test in it. */
  readonly tests: readonly string[];
}

export interface Counts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/**
 * Counts tests for the closing line. A file that failed without a failed test (it did
 * not start, a hook threw, an error was collected outside tests) counts as one failure,
 * and so does each error reported outside every file: the line never reads `0 failed`
 * when something failed.
 */
export function countOutcomes(modules: readonly ModuleOutcome[], unhandledErrors: number): Counts {
  let passed = 0;
  let failed = unhandledErrors;
  let skipped = 0;
  for (const module of modules) {
    let failedTests = 0;
    for (const state of module.tests) {
      if (state === 'passed') passed++;
      else if (state === 'failed') failedTests++;
      else skipped++;
    }
    failed += failedTests;
    if (failedTests === 0 && (module.state === 'failed' || module.errors > 0)) failed++;
  }
  return { passed, failed, skipped };
}

function outcome(module: TestModule): ModuleOutcome {
  let errors = module.errors().length;
  for (const suite of module.children.allSuites()) errors += suite.errors().length;
  return { state: module.state(), errors, tests: [...module.children.allTests()].map((test) => test.result().state) };
}

/** Ends the run with one plain line, `N passed, N failed, N skipped`, that any CI can read. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[], unhandledErrors: readonly SerializedError[] = []): void {
    const { passed, failed, skipped } = countOutcomes(testModules.map(outcome), unhandledErrors.length);
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
