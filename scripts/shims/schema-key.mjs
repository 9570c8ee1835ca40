// Which schema, under which ajv options, a precompiled validator is for: the build keys its table
// with this (scripts/build.mjs) and the bundled ajv stand-in looks validators up with it
// (scripts/shims/ajv.mjs). Not node:crypto: loading it costs every start-up ~4 ms. A 64-bit
// FNV-1a over the JSON text is plenty to tell ~100 schemas apart; a schema that matches no entry
// (edited after the build) is compiled by the real ajv.
export function schemaKey(options, schema) {
  const opts = Object.fromEntries(Object.keys(options).sort().filter((k) => k !== 'code').map((k) => [k, options[k]]));
  const text = JSON.stringify([opts, schema]);
  // FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3 = 2^40 + 0x1b3) in two 32-bit
  // halves: (hi·2^32 + lo)·prime mod 2^64 = (hi·2^32 + lo)·0x1b3 + lo·2^40.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0;
    const low = lo * 0x1b3; // < 2^41: exact
    hi = (Math.imul(hi, 0x1b3) + Math.floor(low / 0x100000000) + (lo << 8)) >>> 0;
    lo = low >>> 0;
  }
  return `${text.length.toString(16)}-${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}`;
}
