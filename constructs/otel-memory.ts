import { goMemLimit } from './jaeger';
import type { MemoryLimiterProcessor } from './otel-config';

/** The memory_limiter's hard limit, as a percentage of the container's memory limit. */
const LIMIT_PERCENT = 80;
/** Its spike allowance, 20% of the hard limit; the soft limit is the hard limit minus this (64%). */
const SPIKE_PERCENT = LIMIT_PERCENT * 0.2;

/**
 * The `memory_limiter` of every collector (agent and gateway), first in each pipeline: percentages of
 * the container's memory limit, so they follow the configured resources. Above the soft limit it
 * refuses data and the senders retry; above the hard limit it forces a GC. The spike is the
 * memory_limiter README's recommended 20% of the hard limit.
 */
export const MEMORY_LIMITER: MemoryLimiterProcessor = {
  check_interval: '1s',
  limit_percentage: LIMIT_PERCENT,
  spike_limit_percentage: SPIKE_PERCENT,
};

/**
 * GOMEMLIMIT of a collector with a `limit` memory limit: 80% of the memory_limiter's hard limit, as the
 * memory_limiter README recommends, which is its soft limit. The limiter compares the heap including
 * garbage not yet collected, and Go collects only when the heap doubles or reaches GOMEMLIMIT; with
 * GOMEMLIMIT above the soft limit the heap crossed it with garbage, and data was refused that a
 * collection would have made room for (docs/pipeline-bench.md).
 */
export function collectorGoMemLimit(limit: string): { name: 'GOMEMLIMIT'; value: string } {
  return { name: 'GOMEMLIMIT', value: goMemLimit(limit, LIMIT_PERCENT - SPIKE_PERCENT) };
}
