/** In-memory sources for unit tests. */
import { makeSource, type FileKind, type SourceFile } from '../../src/core/source.js';

export function src(text: string, kind: FileKind = 'unknown', path = `/virtual/${kind}`): SourceFile {
  return makeSource({ path, display: path.replace(/^\/virtual\//, ''), kind }, text);
}
