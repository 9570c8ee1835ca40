// Placeholder until the containerd model lands (owned by the containerd work item).
import type { LoadContext } from './load.js';

export interface ContainerdModel {
  files: import('../core/source.js').SourceFile[];
  /** Declared `version` of the main file (1 when absent). */
  configVersion: number;
}

export function loadContainerd(_ctx: LoadContext): ContainerdModel | null {
  return null;
}
