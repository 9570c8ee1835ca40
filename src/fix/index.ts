/**
 * The fix machinery. Rules build fixes with the format-aware builders and makeFix:
 *
 *   import { makeFix, toml } from '../fix/index.js';
 *   fix: makeFix('safe', 'set SystemdCgroup = true', toml.setValue(node, true))
 *
 * The CLI applies them (applyFixes), writes the result (writeFiles) or prints it (unifiedDiff).
 */
export * as toml from './toml.js';
export * as yaml from './yaml.js';
export * as lines from './lines.js';
export { makeFix, applyEdits, FixBuildError, tryFix, type OffsetRange } from './common.js';
export { applyFixes, type ApplyOptions, type FixResult, type FixedFile, type FixRecord, type FailedFix, type FixDiagnostic } from './apply.js';
export { writeFiles, findStaleTemps, WriteError, TEMP_PATTERN, type WriteEntry, type WriteOptions, type WriteResult } from './write.js';
export { unifiedDiff, fileDiff, type DiffFile } from './diff.js';
