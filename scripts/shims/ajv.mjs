// Bundled in place of `ajv` (see scripts/build.mjs). compile() returns the validator precompiled
// at build time for the same options and schema; only for a schema it does not know does it load
// the real ajv (bundled lazily: its ~200 KB are not even evaluated otherwise) and compile.
import * as precompiled from 'crilint:ajv-precompiled';
import { schemaKey } from './schema-key.mjs';

const enabled = process.env.CRILINT_AJV_PRECOMPILED !== '0';

export class Ajv {
  constructor(options = {}) {
    this.options = options;
    this.real = null;
  }

  compile(schema) {
    if (enabled) {
      const name = precompiled.table[schemaKey(this.options, schema)];
      if (name) return precompiled[name];
    }
    if (!this.real) {
      const { Ajv: RealAjv } = require('ajv');
      this.real = new RealAjv(this.options);
    }
    return this.real.compile(schema);
  }
}

export default Ajv;
