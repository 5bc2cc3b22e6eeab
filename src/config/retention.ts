import { durationSeconds } from './duration';
import { CompliancePreset, LifecycleConfig, LogStreamConfig, RetentionConfig } from './types';

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
    problems.push(`/retention/traces: must be at least 1d (spans live in daily indices, and the cleaner deletes whole days), got "${retention.traces}"`);
  }
  const names = new Set<string>();
  retention.streams.forEach((stream, i) => {
    const at = `/retention/streams/${i}`;
    if (names.has(stream.name)) problems.push(`${at}/name: duplicate stream "${stream.name}"`);
    names.add(stream.name);
    const life = streamLifecycle(stream);
    const source = (key: keyof LifecycleConfig) => (stream.lifecycle?.[key] !== undefined ? `${at}/lifecycle/${key}` : `${at}/compliance`);
    // Phases in order: warm, then cold, then delete, each strictly later than the one before.
    const phases = (['warmAfter', 'coldAfter', 'deleteAfter'] as const).filter((k) => life[k] !== undefined);
    for (let p = 1; p < phases.length; p++) {
      const before = phases[p - 1];
      const key = phases[p];
      if (durationSeconds(life[key]!) <= durationSeconds(life[before]!)) {
        problems.push(`${source(key)}: ${key} must be later than ${before} (${life[before]}), got ${life[key]}`);
      }
    }
    if (stream.compliance === 'gdpr') {
      if (life.deleteAfter === undefined) {
        problems.push(`${at}/lifecycle/deleteAfter: gdpr streams must be deleted within 30d, got no delete phase`);
      } else if (durationSeconds(life.rolloverAge) + durationSeconds(life.deleteAfter) > COMPLIANCE.gdprMaxAgeSeconds) {
        problems.push(`${source('deleteAfter')}: gdpr deletes personal data within 30d, but rolloverAge ${life.rolloverAge} + deleteAfter ${life.deleteAfter} keeps it longer`);
      }
    }
    if (stream.compliance === 'sox' && life.deleteAfter !== undefined && durationSeconds(life.deleteAfter) < COMPLIANCE.soxMinAgeSeconds) {
      problems.push(`${source('deleteAfter')}: sox keeps audit records 7y, got deleteAfter ${life.deleteAfter}`);
    }
  });
  if (retention.streams.length === 0) problems.push('/retention/streams: must name at least one log stream');
  const snapshots = retention.snapshots;
  if (snapshots.enabled) {
    const repository = snapshots.repository ?? {};
    const kinds = (['s3', 'fs'] as const).filter((k) => repository[k] !== undefined);
    if (kinds.length !== 1) problems.push(`/retention/snapshots/repository: must be exactly one of s3 or fs, got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`);
  }
  if (snapshots.minCount > snapshots.maxCount) {
    problems.push(`/retention/snapshots/minCount: must not exceed maxCount (${snapshots.maxCount}), got ${snapshots.minCount}`);
  }
  return problems;
}

/** A Duration as Elasticsearch writes it: whole days when it is days, else seconds. */
export function esDuration(duration: string): string {
  const s = durationSeconds(duration);
  return s % DAY === 0 ? `${s / DAY}d` : `${Math.round(s)}s`;
}
