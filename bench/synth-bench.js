#!/usr/bin/env node
// Measures synth speed and memory, interleaved so machine noise hits every variant alike:
//   floor      a fresh node process that dumps the same objects as YAML with the same library (cdk8s' `yaml`)
//   in-process our app (bin/app.js, the command cdk8s.yaml runs) without the CLI: load config, build, write dist
//   cdk8s-cli  `npx cdk8s synth` end to end (upgrade check off, as `npm run synth` does)
// Prints median wall time and peak RSS for each and the ratios against the goals of the spine issue.
// Each of the first two also reports its work inside the process (after Node started and the code was
// loaded: the YAML dump for the floor, the synth call for ours), a second view of the same ratio.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 7);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-bench-'));

// The floor dumps the objects our synth produces, so it does the same YAML work without our code.
const objectsFile = path.join(tmp, 'objects.json');
spawnSync(process.execPath, ['-e', `
  const { loadConfig } = require('${root}/lib/src/config/loader');
  const { stackApp } = require('${root}/lib/src/stack');
  const { app } = stackApp(loadConfig('${root}/agent-o11y.yaml'));
  require('fs').writeFileSync('${objectsFile}', JSON.stringify(app.charts.map((c) => [c.node.id, c.toJson()])));
`], { stdio: 'inherit' });

const variants = {
  floor: [process.execPath, ['-e', `
    const fs = require('fs'); const YAML = require('${require.resolve('yaml', { paths: [require.resolve('cdk8s')] })}');
    const start = process.hrtime.bigint();
    const charts = JSON.parse(fs.readFileSync('${objectsFile}', 'utf8'));
    fs.mkdirSync('${tmp}/floor', { recursive: true });
    // The options cdk8s' Yaml.stringify passes, so the floor writes byte for byte what our synth writes.
    const options = { keepUndefined: true, lineWidth: 0, version: '1.1' };
    for (const [id, objs] of charts) fs.writeFileSync('${tmp}/floor/' + id + '.k8s.yaml', objs.map((o) => YAML.stringify(o, options)).join('---\\n'));
    console.log('work-ms', Number(process.hrtime.bigint() - start) / 1e6);
  `]],
  'in-process': [process.execPath, [`${root}/bin/app.js`], { CDK8S_OUTDIR: `${tmp}/ours`, AGENT_O11Y_BENCH: '1' }],
  'cdk8s-cli': ['npx', ['--no-install', 'cdk8s', 'synth', '--output', `${tmp}/cli`]],
};

function measure([cmd, args, env = {}]) {
  // GNU time reports peak RSS of the whole process tree's largest member; fall back to wall time only.
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  const work = /work-ms ([0-9.]+)/.exec(r.stdout + r.stderr);
  return { ms, rssMb: rssKb / 1024, workMs: work ? Number(work[1]) : undefined };
}

if (!fs.existsSync('/usr/bin/time')) {
  console.error('bench needs GNU time (/usr/bin/time): apt-get install time');
  process.exit(1);
}
const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [name, v] of Object.entries(variants)) results[name].push(measure(v));
// The floor must have done the same YAML work: its files equal ours.
for (const file of fs.readdirSync(`${tmp}/floor`)) {
  if (fs.readFileSync(`${tmp}/floor/${file}`, 'utf8') !== fs.readFileSync(`${tmp}/ours/${file}`, 'utf8')) {
    console.error(`bench: the floor's ${file} differs from our synth's; the comparison would not be fair`);
    process.exit(1);
  }
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = {};
for (const [name, rs] of Object.entries(results)) {
  const works = rs.map((r) => r.workMs).filter((w) => w !== undefined);
  summary[name] = { ms: median(rs.map((r) => r.ms)), rssMb: Math.max(...rs.map((r) => r.rssMb)), workMs: works.length ? median(works) : undefined };
  const work = summary[name].workMs === undefined ? '' : `   work inside the process ${summary[name].workMs.toFixed(0).padStart(4)} ms`;
  console.log(`${name.padEnd(11)} median ${summary[name].ms.toFixed(0).padStart(5)} ms   peak RSS ${summary[name].rssMb.toFixed(0).padStart(4)} MB${work}   (${runs} runs)`);
}
const ratio = summary['in-process'].ms / summary.floor.ms;
console.log(`in-process / floor = ${ratio.toFixed(2)}x (goal <= 1.5x); work inside the process: ${(summary['in-process'].workMs / summary.floor.workMs).toFixed(2)}x`);
console.log(`cdk8s synth end to end = ${(summary['cdk8s-cli'].ms / 1000).toFixed(2)} s, ${summary['cdk8s-cli'].rssMb.toFixed(0)} MB (goal <= 2 s, <= 200 MB)`);
fs.rmSync(tmp, { recursive: true, force: true });
