import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// bin/ is plain JavaScript run by node; its typing here is the one function the test calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isStale, BUILD_INPUTS } = require('../../bin/stale') as {
  isStale: (root: string, built: string) => boolean;
  BUILD_INPUTS: string[];
};

const HOUR = 3600;
let root: string;
let built: string;

/** Writes `file` under the scratch root with its modification time `age` seconds in the past. */
function put(file: string, age: number): void {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, '');
  const when = Date.now() / 1000 - age;
  fs.utimesSync(full, when, when);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-stale-'));
  built = path.join(root, 'lib', 'bundle', 'app.js');
  // A project built an hour ago from sources and inputs older than the build.
  for (const file of [
    'app/main.ts',
    'constructs/prometheus.ts',
    'rules/catalog/stack.ts',
    'dashboards/all.ts',
    ...BUILD_INPUTS,
  ])
    put(file, 3 * HOUR);
  put('lib/bundle/app.js', HOUR);
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('bin/stale.js: when synth rebuilds the bundle', () => {
  test('not when nothing changed since the build', () => {
    expect(isStale(root, built)).toBe(false);
  });

  test('when there is no bundle yet (a fresh clone)', () => {
    fs.rmSync(built);
    expect(isStale(root, built)).toBe(true);
  });

  test.each([
    'app/main.ts',
    'constructs/prometheus.ts',
    'rules/catalog/stack.ts',
    'dashboards/all.ts',
    'src/config/schema.json',
    'src/config/schema-validate.generated.js',
  ])('when a source changed: %s', (file) => {
    put(file, 0);
    expect(isStale(root, built)).toBe(true);
  });

  test.each(BUILD_INPUTS)('when a build input changed: %s', (file) => {
    put(file, 0);
    expect(isStale(root, built)).toBe(true);
  });

  test('not for declaration files or files of other kinds', () => {
    put('src/types.d.ts', 0);
    put('dashboards/README.md', 0);
    expect(isStale(root, built)).toBe(false);
  });

  test('not when a build input is absent (installed by another package manager)', () => {
    fs.rmSync(path.join(root, 'node_modules'), { recursive: true });
    expect(isStale(root, built)).toBe(false);
  });
});
