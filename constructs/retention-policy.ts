import { durationSeconds } from '../src/config/duration';
import { CompliancePreset, LifecycleConfig, LogStreamConfig, RetentionConfig } from '../src/config/types';

const DAY = 86400;

/** The lifecycle each compliance preset starts from. */
export const PRESETS: Record<CompliancePreset, LifecycleConfig> = {
  // Seed 000 §18.2: hot until 7d or 50 GB per primary shard, warm at 7d, cold at 30d, delete at 90d.
  none: { rolloverAge: '7d', rolloverPrimaryShardSize: '50gb', warmAfter: '7d', coldAfter: '30d', deleteAfter: '90d' },
  // Ages count from rollover, so a record lives up to rolloverAge + deleteAfter: 1d + 29d = 30d.
  gdpr: { rolloverAge: '1d', rolloverPrimaryShardSize: '50gb', warmAfter: '7d', deleteAfter: '29d' },
  // Seven years, then deleted.
  sox: { rolloverAge: '7d', rolloverPrimaryShardSize: '50gb', warmAfter: '7d', coldAfter: '30d', deleteAfter: '7y' },
};

/** The legal limit each preset enforces. */
export const COMPLIANCE = {
  /** GDPR: personal data is deleted within this long of being written. */
  gdprMaxAgeSeconds: 30 * DAY,
  /** SOX: audit records are kept at least this long. */
  soxMinAgeSeconds: 7 * 365 * DAY,
};

/** A stream's lifecycle: its preset with the stream's overrides on top. */
export function streamLifecycle(stream: LogStreamConfig): LifecycleConfig {
  const lifecycle: LifecycleConfig = { ...PRESETS[stream.compliance] };
  for (const [key, value] of Object.entries(stream.lifecycle ?? {})) {
    if (value !== undefined) (lifecycle as unknown as Record<string, unknown>)[key] = value;
  }
  return lifecycle;
}

/** Problems of the retention settings, one line each with its config path; empty when sound. */
export function retentionProblems(retention: RetentionConfig): string[] {
  const problems: string[] = [];
  if (durationSeconds(retention.traces) < 86400) {
    // The index cleaner deletes whole daily indices older than this: under a day, today's spans go too.
    problems.push(
      `/retention/traces: must be at least 1d (spans live in daily indices, and the cleaner deletes whole days), got "${retention.traces}"`,
    );
  }
  problems.push(...snapshotProblems(retention.snapshots));
  const names = new Set<string>();
  retention.streams.forEach((stream, i) => {
    const at = `/retention/streams/${i}`;
    if (names.has(stream.name)) problems.push(`${at}/name: duplicate stream "${stream.name}"`);
    names.add(stream.name);
    const life = streamLifecycle(stream);
    const source = (key: keyof LifecycleConfig) =>
      stream.lifecycle?.[key] !== undefined ? `${at}/lifecycle/${key}` : `${at}/compliance`;
    // Phases in order: warm, then cold, then delete, each strictly later than the one before.
    const phases = (['warmAfter', 'coldAfter', 'deleteAfter'] as const).filter((k) => life[k] !== undefined);
    for (const [p, key] of phases.entries()) {
      const before = phases[p - 1];
      if (before === undefined) continue;
      if (durationSeconds(life[key]!) <= durationSeconds(life[before]!)) {
        problems.push(`${source(key)}: ${key} must be later than ${before} (${life[before]}), got ${life[key]}`);
      }
    }
    if (stream.compliance === 'gdpr') {
      if (life.deleteAfter === undefined) {
        problems.push(`${at}/lifecycle/deleteAfter: gdpr streams must be deleted within 30d, got no delete phase`);
      } else if (durationSeconds(life.rolloverAge) + durationSeconds(life.deleteAfter) > COMPLIANCE.gdprMaxAgeSeconds) {
        problems.push(
          `${source('deleteAfter')}: gdpr deletes personal data within 30d, but rolloverAge ${life.rolloverAge} + deleteAfter ${life.deleteAfter} keeps it longer`,
        );
      }
    }
    if (
      stream.compliance === 'sox' &&
      life.deleteAfter !== undefined &&
      durationSeconds(life.deleteAfter) < COMPLIANCE.soxMinAgeSeconds
    ) {
      problems.push(`${source('deleteAfter')}: sox keeps audit records 7y, got deleteAfter ${life.deleteAfter}`);
    }
  });
  if (retention.streams.length === 0) problems.push('/retention/streams: must name at least one log stream');
  const snapshots = retention.snapshots;
  if (snapshots.enabled) {
    const repository = snapshots.repository ?? {};
    const kinds = (['s3', 'fs'] as const).filter((k) => repository[k] !== undefined);
    if (kinds.length !== 1)
      problems.push(
        `/retention/snapshots/repository: must be exactly one of s3 or fs, got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`,
      );
  }
  if (snapshots.minCount > snapshots.maxCount) {
    problems.push(
      `/retention/snapshots/minCount: must not exceed maxCount (${snapshots.maxCount}), got ${snapshots.minCount}`,
    );
  }
  return problems;
}

/** A Duration as Elasticsearch writes it: whole days when it is days, else seconds. */
export function esDuration(duration: string): string {
  const s = durationSeconds(duration);
  return s % DAY === 0 ? `${s / DAY}d` : `${Math.round(s)}s`;
}

/** Ranges of the numeric fields of an Elasticsearch cron expression, seconds first. */
const CRON_FIELDS: Array<[name: string, min: number, max: number]> = [
  ['seconds', 0, 59],
  ['minutes', 0, 59],
  ['hours', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 1, 7],
  ['year', 1970, 2199],
];

/** What Elasticsearch would refuse in an SLM schedule (its cron: seconds first, `?` in one day field), or undefined. */
function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 7)
    return `it has ${fields.length} fields, not 6 or 7 (seconds minutes hours day-of-month month day-of-week [year])`;
  for (const [i, field] of fields.entries()) {
    // Six or seven fields, and CRON_FIELDS names seven.
    const [name, min, max] = CRON_FIELDS[i]!;
    if (!/^[0-9A-Z*?/,#LW-]+$/.test(field))
      return `the ${name} field ${JSON.stringify(field)} holds characters a cron field cannot`;
    for (const n of field.match(/\d+/g) ?? []) {
      if (!field.includes('/') && !field.includes('#') && (Number(n) < min || Number(n) > max))
        return `the ${name} field ${JSON.stringify(field)} is outside ${min}-${max}`;
    }
  }
  if ((fields[3] === '?') === (fields[5] === '?')) return 'it needs ? in exactly one of day-of-month and day-of-week';
  return undefined;
}

function snapshotProblems(snapshots: RetentionConfig['snapshots']): string[] {
  const problems: string[] = [];
  const cron = cronProblem(snapshots.schedule);
  if (cron)
    problems.push(
      `/retention/snapshots/schedule: must be an Elasticsearch cron expression like "0 30 1 * * ?" (${cron}), got "${snapshots.schedule}"`,
    );
  const bucket = snapshots.repository?.s3?.bucket;
  // S3's bucket naming rules.
  if (
    bucket !== undefined &&
    !(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) &&
      !bucket.includes('..') &&
      !/^\d+\.\d+\.\d+\.\d+$/.test(bucket)
    )
  ) {
    problems.push(
      `/retention/snapshots/repository/s3/bucket: must be an S3 bucket name (3-63 lower-case letters, digits, . and -, starting and ending with a letter or digit, not an IP address), got "${bucket}"`,
    );
  }
  const location = snapshots.repository?.fs?.location;
  if (location !== undefined && !/^\/[^\s,]*[^\s,/]$/.test(location)) {
    problems.push(
      `/retention/snapshots/repository/fs/location: must be an absolute path other than / without spaces or commas (it becomes path.repo), got "${location}"`,
    );
  }
  return problems;
}
