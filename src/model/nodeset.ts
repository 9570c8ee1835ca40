/**
 * A node set: the files that configure one node's runtime stack, parsed into models.
 * Built by model/load.ts from a discovery spec; read by rules; never mutated by rules.
 */
import type { SourceFile } from '../core/source.js';
import type { Finding } from '../core/types.js';
import type { Comment } from '../parse/common.js';
import type { ContainerdModel } from './containerd.js';
import type { CrioModel } from './crio.js';
import type { DockerModel } from './docker.js';
import type { KubeletModel } from './kubelet.js';
import type { CrictlModel } from './crictl.js';
import type { SysctlModel } from './sysctl.js';
import type { ModulesModel } from './modules.js';

export interface NodeSet {
  /** What users see as this node's name: the root directory as given, or "(files)" for loose files. */
  name: string;
  /** Absolute node root (the node's `/`), or null for loose files. */
  root: string | null;
  /** Every file read, in reading order. */
  files: SourceFile[];
  /** Comments of every file (suppression directives live in them). */
  comments: Map<SourceFile, Comment[]>;
  containerd: ContainerdModel | null;
  crio: CrioModel | null;
  /** Docker Engine and cri-dockerd: daemon.json and the systemd units. */
  docker: DockerModel | null;
  kubelet: KubeletModel | null;
  crictl: CrictlModel | null;
  sysctl: SysctlModel | null;
  modules: ModulesModel | null;
  /** Findings made while reading and parsing (`syntax`, and model-level ones such as unreadable imports). */
  findings: Finding[];
}
