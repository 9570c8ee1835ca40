// Placeholder until the modules model lands (owned by the modules work item).
import type { LoadContext } from './load.js';

export interface ModulesModel {
  files: import('../core/source.js').SourceFile[];
}

export function loadModules(_ctx: LoadContext): ModulesModel | null {
  return null;
}
