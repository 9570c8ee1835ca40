// Placeholder until the crictl model lands (owned by the crictl work item).
import type { LoadContext } from './load.js';

export interface CrictlModel {
  files: import('../core/source.js').SourceFile[];
}

export function loadCrictl(_ctx: LoadContext): CrictlModel | null {
  return null;
}
