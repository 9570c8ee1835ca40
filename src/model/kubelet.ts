// Placeholder until the kubelet model lands (owned by the kubelet work item).
import type { LoadContext } from './load.js';

export interface KubeletModel {
  files: import('../core/source.js').SourceFile[];
}

export function loadKubelet(_ctx: LoadContext): KubeletModel | null {
  return null;
}
