import { createHash } from 'crypto';

/** Short, stable hash of rendered content: a pod annotation that rolls the pod when content changes. */
export function contentHash(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
}
