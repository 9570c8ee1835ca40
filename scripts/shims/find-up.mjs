// Bundled in place of `escalade/sync` for yargs' platform shim (see scripts/build.mjs). yargs calls
// it once, at start-up, to guess the program's version from the nearest package.json above the
// working directory, although crilint sets its version itself. That walked up from wherever crilint
// runs, read the project's own package.json if it had one, and otherwise failed an internal
// assertion, which loads node:assert (~3 ms) to throw an error yargs then ignores. This answers
// crilint's own package.json (beside dist/) at once.
import { fileURLToPath } from 'node:url';

export default function findUp() {
  return fileURLToPath(new URL('../package.json', import.meta.url));
}
