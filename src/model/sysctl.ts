// Placeholder until the sysctl model lands (owned by the sysctl work item).
import type { LoadContext } from './load.js';

export interface SysctlModel {
  files: import('../core/source.js').SourceFile[];
}

export function loadSysctl(_ctx: LoadContext): SysctlModel | null {
  return null;
}
