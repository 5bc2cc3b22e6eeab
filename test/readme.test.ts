import * as fs from 'fs';
import * as path from 'path';
import { PLATFORM_DASHBOARDS, dashboardFiles } from '../dashboards';
import { DEFAULTS, DashboardPlatform } from '../src/config';
import { GENAI, SLOS } from './rules/sources';
import { Topology } from '../src/lib/component';
import { stackApp } from '../app/stack';
import { PROFILE_CONFIGS } from './helpers';

const ROOT = path.join(__dirname, '..');
/** The dev stack with every component that is off by default turned on. */
const WITH_OPTIONAL_COMPONENTS = {
  ...PROFILE_CONFIGS.dev,
  traceIntake: { ...PROFILE_CONFIGS.dev.traceIntake, enabled: true },
};
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const README = read('README.md');
const ARCHITECTURE = read('docs/architecture.md');
const ALERTS_AND_DASHBOARDS = read('docs/alerts-and-dashboards.md');
/** The user documentation: the README and docs/ (not the runbooks). */
const DOCS = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');

describe('the README and docs/', () => {
  test('list every link of the default stack, and of its optional components, in the connection table, and no other', () => {
    const { app } = stackApp(WITH_OPTIONAL_COMPONENTS);
    const links = Topology.of(app).links.map(
      (l) => `| ${l.from.name} | ${l.to.name} | ${l.port.port} (${l.port.name}) |`,
    );
    const table = ARCHITECTURE.split('\n')
      .filter((line) => /^\| [a-z-]+ \| [a-z-]+ \| \d+ \(/.test(line))
      .map((line) => line.split('|').slice(0, 4).join('|') + '|');
    expect(table.sort()).toEqual([...links].sort());
  });

  test('give each link of the connection table the TLS mode its server port declares', () => {
    const { app } = stackApp(WITH_OPTIONAL_COMPONENTS);
    const mode = { mtls: 'mTLS', tls: 'TLS' } as const;
    const links = Topology.of(app).links.map(
      (l) =>
        `| ${l.from.name} | ${l.to.name} | ${l.port.port} (${l.port.name}) | ${l.port.tls ? mode[l.port.tls] : 'none'} |`,
    );
    const table = ARCHITECTURE.split('\n')
      .filter((line) => /^\| [a-z-]+ \| [a-z-]+ \| \d+ \(/.test(line))
      .map((line) => line.split('|').slice(0, 5).join('|') + '|');
    expect(table.sort()).toEqual([...links].sort());
  });

  test('show the commands CI runs, in the README', () => {
    const ci = fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8');
    expect(README).toContain('npm ci ');
    expect(ci).toContain('npm ci ');
    expect(README).toContain('npm test');
    expect(ci).toMatch(/^npm test$/m);
    expect(README).toContain('npx cdk8s synth');
  });

  test('list every dashboard with its platform, folder, uid and panel count, and no other', () => {
    const rows = ALERTS_AND_DASHBOARDS.split('\n')
      .map((line) => /^\| `([a-z0-9-]+)` \| ([^|]+) \| .* \(`([a-z0-9-]+)`\) \| (\d+) \|$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2], m[3], Number(m[4])]);
    const platforms = Object.keys(PLATFORM_DASHBOARDS) as DashboardPlatform[];
    const expected = platforms.flatMap((platform) =>
      dashboardFiles({ ...DEFAULTS, genai: GENAI, slos: SLOS, dashboards: { platforms: [platform] } }).map((file) => {
        const panels = (JSON.parse(file.json) as { panels: { type: string; panels?: unknown[] }[] }).panels.flatMap(
          (p) => (p.type === 'row' ? (p.panels ?? []) : [p]),
        );
        return [platform, file.folder, file.uid, panels.length];
      }),
    );
    expect(rows).toEqual(expected);
  });

  test('link only to files and headings that exist', () => {
    const broken = DOCS.flatMap((doc) =>
      [...read(doc).matchAll(/\]\(([^)#\s]*)(?:#([^)\s]+))?\)/g)]
        .filter(([, target]) => !/^[a-z]+:/.test(target ?? ''))
        .flatMap(([link, target = '', heading]) => {
          const file = target === '' ? doc : path.join(path.dirname(doc), target);
          if (!fs.existsSync(path.join(ROOT, file))) return [`${doc}: ${link}`];
          if (heading === undefined || !file.endsWith('.md')) return [];
          const headings = read(file)
            .split('\n')
            .filter((l) => l.startsWith('#'))
            .map((l) => anchor(l.replace(/^#+/, '')));
          return headings.includes(heading) ? [] : [`${doc}: ${link}`];
        }),
    );
    expect(broken).toEqual([]);
  });
});
