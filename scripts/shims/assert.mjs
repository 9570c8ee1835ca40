// Bundled in place of `assert` for yargs' platform shim, which imports it for two internal sanity
// checks (notStrictEqual, strictEqual). Loading node:assert costs a few milliseconds of every
// crilint start; these keep its semantics (Object.is) and load the real module only when a check
// fails, so the error thrown is node's own AssertionError.
export function notStrictEqual(actual, expected, message) {
  if (!Object.is(actual, expected)) return;
  process.getBuiltinModule('node:assert').notStrictEqual(actual, expected, message);
}

export function strictEqual(actual, expected, message) {
  if (Object.is(actual, expected)) return;
  process.getBuiltinModule('node:assert').strictEqual(actual, expected, message);
}
