import * as fs from 'fs';
import * as path from 'path';
import { ALL_CONFIGS, allObjects } from '../helpers';

const DIST = path.join(__dirname, '..', '..', 'dist');

/** Lines that look like a credential written as a literal. */
const CREDENTIAL = [
  /(password|passwd|secret|token|api[_-]?key|routing[_-]?key)["']?\s*[:=]\s*["']?(?!\$\{|\$\(|\$__file)[A-Za-z0-9+/=_-]{6,}/i,
  /https:\/\/hooks\.slack\.com\/services\/[A-Z0-9]+/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(admin\/admin|changeme)\b/i,
];

function distFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? distFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('the committed dist/', () => {
  test('holds no credential-like literal', () => {
    const hits = distFiles(DIST).flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => CREDENTIAL.some((re) => re.test(line)))
        .map((line) => `${path.relative(DIST, file)}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
  });

  test('the scan finds a planted literal, so it can fail', () => {
    expect(CREDENTIAL.some((re) => re.test('  password: hunter22'))).toBe(true);
    expect(CREDENTIAL.some((re) => re.test("'elasticsearch.password': '${KIBANA_SYSTEM_PASSWORD}'"))).toBe(false);
  });
});

describe.each(Object.keys(ALL_CONFIGS))('the %s config', (profile) => {
  test('creates no Secret and puts no secret value in an environment variable', () => {
    const objects = allObjects(ALL_CONFIGS[profile]!);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const o of objects.filter((x) => ['Deployment', 'StatefulSet', 'Job'].includes(x.kind))) {
      for (const c of (o as any).spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          if (/PASSWORD|KEY|TOKEN|SECRET/.test(e.name) && !e.name.endsWith('__FILE'))
            expect([o.metadata.name, e.name, e.value]).toEqual([o.metadata.name, e.name, undefined]);
        }
      }
    }
  });
});
