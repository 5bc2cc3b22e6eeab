import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/** Every .ts file under `dir`, relative to the root. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The top-level folder each relative import of `file` reaches. */
function importedLayers(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import\(|require\()\s*'(\.[^']+)'/g)].map(
    ([, spec]) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec!)).split(path.sep)[0]!,
  );
}

describe('the layers', () => {
  test("are read from each file's relative imports", () => {
    expect(new Set(importedLayers('app/stack.ts'))).toEqual(new Set(['src', 'constructs', 'rules', 'dashboards']));
  });

  /** What each layer may import besides itself: the ones below it. */
  const BELOW: Record<string, string[]> = {
    src: [],
    constructs: ['src'],
    rules: ['src'],
    dashboards: ['src', 'rules'],
    app: ['src', 'constructs', 'rules', 'dashboards'],
  };

  test.each(Object.keys(BELOW))('%s/ imports only itself and the layers below it', (layer) => {
    const allowed = new Set([layer, ...BELOW[layer]!]);
    const upward = sources(layer).flatMap((file) =>
      importedLayers(file)
        .filter((target) => !allowed.has(target) && !target.startsWith('node_modules'))
        .map((target) => `${file} imports ${target}/`),
    );
    expect(upward).toEqual([]);
  });
});
