#!/usr/bin/env node
// Measures synth speed and memory, interleaved so machine noise hits every variant alike:
//   floor      a fresh node process that dumps the same objects as YAML with the same library (cdk8s' `yaml`)
//   in-process our app (bin/app.js, the command cdk8s.yaml runs) without the CLI: load config, build, write dist
//   cdk8s-cli  `npx cdk8s synth` end to end (upgrade check off, as `npm run synth` does)
// Prints median wall time and peak RSS for each and the ratios against the goals of the spine issue.
// Each of the first two also reports its work inside the process (after Node started and the code was
// loaded: the YAML dump for the floor, the synth call for ours), a second view of the same ratio.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-o11y-bench-'));

// The floor dumps the objects our synth produces, so it does the same YAML work without our code.
const objectsFile = path.join(tmp, 'objects.json');
spawnSync(
  process.execPath,
  [
    '-e',
    `
  const { loadConfig } = require('${root}/lib/src/config/loader');
  const { stackApp } = require('${root}/lib/app/stack');
  const { app } = stackApp(loadConfig('${root}/agent-o11y.yaml'));
  require('fs').writeFileSync('${objectsFile}', JSON.stringify(app.charts.map((c) => [c.node.id, c.toJson()])));
`,
  ],
  { stdio: 'inherit' },
);

const variants = {
  floor: [
    process.execPath,
    [
      '-e',
      `
    const fs = require('fs'); const YAML = require('${require.resolve('yaml', { paths: [require.resolve('cdk8s')] })}');
    const start = process.hrtime.bigint();
    const charts = JSON.parse(fs.readFileSync('${objectsFile}', 'utf8'));
    fs.mkdirSync('${tmp}/floor', { recursive: true });
    // The options cdk8s' Yaml.stringify passes, so the floor writes byte for byte what our synth writes.
    const options = { keepUndefined: true, lineWidth: 0, version: '1.1' };
    // A chart without objects (a component the config leaves out) gets no file, as in our synth.
    for (const [id, objs] of charts) if (objs.length > 0) fs.writeFileSync('${tmp}/floor/' + id + '.k8s.yaml', objs.map((o) => YAML.stringify(o, options)).join('---\\n'));
    console.log('work-ms', Number(process.hrtime.bigint() - start) / 1e6);
  `,
    ],
  ],
  'in-process': [process.execPath, [`${root}/bin/app.js`], { CDK8S_OUTDIR: `${tmp}/ours`, AGENT_O11Y_BENCH: '1' }],
  'cdk8s-cli': ['npx', ['--no-install', 'cdk8s', 'synth', '--output', `${tmp}/cli`]],
};

const benchEnv = (env) => ({ ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env });

function measure([cmd, args, env = {}]) {
  // GNU time's %M is the peak RSS of the largest single process of the tree (see treeMemory for all).
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd: root, encoding: 'utf8', env: benchEnv(env) });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  const work = /work-ms ([0-9.]+)/.exec(r.stdout + r.stderr);
  return { ms, rssMb: rssKb / 1024, workMs: work ? Number(work[1]) : undefined };
}

/** Field `name` (in kB) of a /proc file such as status or smaps_rollup, or 0 once the process is gone. */
function procKb(pid, file, name) {
  try {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pid and every live descendant of it. */
function processTree(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/**
 * Memory of the whole process tree (npx, the CLI, its shell, our app all live at once), sampled
 * every 10 ms in runs of their own, since sampling costs time: the peak of the summed PSS
 * (shared pages split among their users: what the tree really occupies) and of the summed RSS
 * (which counts the node binary's shared pages once per process).
 */
function treeMemory([cmd, args, env = {}]) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: benchEnv(env), stdio: 'ignore' });
    let peakPss = 0;
    let peakRss = 0;
    const timer = setInterval(() => {
      const pids = processTree(child.pid);
      peakPss = Math.max(
        peakPss,
        pids.reduce((sum, pid) => sum + procKb(pid, 'smaps_rollup', 'Pss'), 0),
      );
      peakRss = Math.max(
        peakRss,
        pids.reduce((sum, pid) => sum + procKb(pid, 'status', 'VmRSS'), 0),
      );
    }, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`${cmd} failed with ${code}`));
      else resolve({ pssMb: peakPss / 1024, rssSumMb: peakRss / 1024 });
    });
  });
}

/** Every file below dir, relative to it. */
function files(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function main() {
  if (!fs.existsSync('/usr/bin/time')) {
    console.error('bench needs GNU time (/usr/bin/time): apt-get install time');
    process.exit(1);
  }
  const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [name, v] of Object.entries(variants)) results[name].push(measure(v));
  // The floor must have done the same YAML work: the same manifest files, byte for byte. (Ours also
  // writes dist/rules/, which the floor does not: that work counts against us.)
  const floorFiles = files(`${tmp}/floor`);
  const ourFiles = files(`${tmp}/ours`).filter((f) => !f.startsWith(`rules${path.sep}`));
  const differing =
    floorFiles.join() !== ourFiles.join()
      ? [`the file lists (${floorFiles.length} vs ${ourFiles.length} files)`]
      : floorFiles.filter(
          (f) => fs.readFileSync(`${tmp}/floor/${f}`, 'utf8') !== fs.readFileSync(`${tmp}/ours/${f}`, 'utf8'),
        );
  if (differing.length > 0) {
    console.error(`bench: the floor and our synth differ in ${differing.join(', ')}; the comparison would not be fair`);
    process.exit(1);
  }
  const memoryRuns = Math.min(3, runs);
  const memory = [];
  for (let i = 0; i < memoryRuns; i++) memory.push(await treeMemory(variants['cdk8s-cli']));

  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = {};
  for (const [name, rs] of Object.entries(results)) {
    const works = rs.map((r) => r.workMs).filter((w) => w !== undefined);
    summary[name] = {
      ms: median(rs.map((r) => r.ms)),
      rssMb: Math.max(...rs.map((r) => r.rssMb)),
      workMs: works.length ? median(works) : undefined,
    };
    const work =
      summary[name].workMs === undefined
        ? ''
        : `   work inside the process ${summary[name].workMs.toFixed(0).padStart(4)} ms`;
    console.log(
      `${name.padEnd(11)} median ${summary[name].ms.toFixed(0).padStart(5)} ms   peak RSS ${summary[name].rssMb.toFixed(0).padStart(4)} MB${work}   (${runs} runs)`,
    );
  }
  const pss = Math.max(...memory.map((m) => m.pssMb));
  const rssSum = Math.max(...memory.map((m) => m.rssSumMb));
  console.log(
    `cdk8s-cli   whole process tree: peak PSS ${pss.toFixed(0)} MB, peak summed RSS ${rssSum.toFixed(0)} MB   (${memoryRuns} runs, sampled every 10 ms)`,
  );
  const ratio = summary['in-process'].ms / summary.floor.ms;
  console.log(
    `in-process / floor = ${ratio.toFixed(2)}x (goal <= 1.5x); work inside the process: ${(summary['in-process'].workMs / summary.floor.workMs).toFixed(2)}x`,
  );
  console.log(
    `cdk8s synth end to end = ${(summary['cdk8s-cli'].ms / 1000).toFixed(2)} s; largest process ${summary['cdk8s-cli'].rssMb.toFixed(0)} MB, whole tree ${pss.toFixed(0)} MB PSS (goal <= 1.7 s, <= 200 MB)`,
  );
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
