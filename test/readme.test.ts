import * as fs from 'fs';
import * as path from 'path';
import { PLATFORM_DASHBOARDS, dashboardFiles } from '../dashboards';
import { DEFAULTS, DashboardPlatform } from '../src/config';
import { Topology } from '../src/lib/component';
import { stackApp } from '../src/stack';
import { PROFILE_CONFIGS } from './helpers';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

describe('the README', () => {
  test('lists every link of the default stack in its connection table, and no other', () => {
    const { app } = stackApp(PROFILE_CONFIGS.dev);
    const links = Topology.of(app).links.map(
      (l) => `| ${l.from.name} | ${l.to.name} | ${l.port.port} (${l.port.name}) |`,
    );
    const table = README.split('\n')
      .filter((line) => /^\| [a-z-]+ \| [a-z-]+ \| \d+ \(/.test(line))
      .map((line) => line.split('|').slice(0, 4).join('|') + '|');
    expect(table.sort()).toEqual([...links].sort());
  });

  test('gives each link of the connection table the TLS mode its server port declares', () => {
    const { app } = stackApp(PROFILE_CONFIGS.dev);
    const mode = { mtls: 'mTLS', tls: 'TLS' } as const;
    const links = Topology.of(app).links.map(
      (l) =>
        `| ${l.from.name} | ${l.to.name} | ${l.port.port} (${l.port.name}) | ${l.port.tls ? mode[l.port.tls] : 'none'} |`,
    );
    const table = README.split('\n')
      .filter((line) => /^\| [a-z-]+ \| [a-z-]+ \| \d+ \(/.test(line))
      .map((line) => line.split('|').slice(0, 5).join('|') + '|');
    expect(table.sort()).toEqual([...links].sort());
  });

  test('shows the commands CI runs', () => {
    const ci = fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8');
    expect(README).toContain('npm ci ');
    expect(ci).toContain('npm ci ');
    expect(README).toContain('npm test');
    expect(ci).toMatch(/^npm test$/m);
    expect(README).toContain('npx cdk8s synth');
  });

  test('lists every dashboard with its platform, folder, uid and panel count, and no other', () => {
    const rows = README.split('\n')
      .map((line) => /^\| `([a-z0-9-]+)` \| ([^|]+) \| .* \(`([a-z0-9-]+)`\) \| (\d+) \|$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2], m[3], Number(m[4])]);
    const platforms = Object.keys(PLATFORM_DASHBOARDS) as DashboardPlatform[];
    const expected = platforms.flatMap((platform) =>
      dashboardFiles({ ...DEFAULTS, dashboards: { platforms: [platform] } }).map((file) => {
        const panels = (JSON.parse(file.json) as { panels: { type: string; panels?: unknown[] }[] }).panels.flatMap(
          (p) => (p.type === 'row' ? (p.panels ?? []) : [p]),
        );
        return [platform, file.folder, file.uid, panels.length];
      }),
    );
    expect(rows).toEqual(expected);
  });
});
