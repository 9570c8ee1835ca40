// Bundled in place of `string-width` (used by yargs' help layout through cliui and wrap-ansi).
// string-width builds an Intl.Segmenter and Unicode-property regular expressions when it is
// loaded, ~15 ms of every crilint start even when no help is printed. This keeps its API and
// its answers: printable ASCII is measured here (its own fast path), anything else by the real
// module, which esbuild bundles lazily (evaluated on the first require()).
let real;

export default function stringWidth(input, options) {
  if (typeof input === 'string' && /^[\u0020-\u007E]*$/.test(input)) return input.length;
  real ??= require('string-width').default;
  return real(input, options);
}
