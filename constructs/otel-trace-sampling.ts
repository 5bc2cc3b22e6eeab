import { durationSeconds } from '../src/config/duration';
import { TraceSamplingConfig } from '../src/config/types';
import type { LeafSamplingPolicy, SamplingPolicy } from './otel-config';

/**
 * The gateway's tail-sampling rules (`collector.sampling`): a trace is kept when any policy keeps it.
 * The agent rules read the GenAI semantic conventions. Each OTTL condition judges one span, and the
 * sub-policies of an `and` each judge the whole trace, so "a tool call that failed" is one condition,
 * never an `and` of "a tool call" and "a failure" (which two different spans could satisfy).
 */

const OPERATION_NAME = 'gen_ai.operation.name';
const OPERATION = `span.attributes["${OPERATION_NAME}"]`;
const INPUT_TOKENS = 'span.attributes["gen_ai.usage.input_tokens"]';
const OUTPUT_TOKENS = 'span.attributes["gen_ai.usage.output_tokens"]';

/** OTTL condition: the span is a tool call that failed, by its status or, when unset, its `error.type`. */
export const FAILED_TOOL_CALL = `${OPERATION} == "execute_tool" and (span.status.code == STATUS_CODE_ERROR or span.attributes["error.type"] != nil)`;

/**
 * OTTL condition: the span, a GenAI one, used more than `limit` tokens. `Int` reads a count sent as a
 * double or a string too; the sum needs both counts (`nil` cannot be added), so a span with one of them
 * is judged by that one. The operation comes first: most spans are no GenAI spans, and for them one
 * lookup decides (each condition is evaluated on every span of every trace).
 */
export function tokensAbove(limit: number): string {
  const input = `Int(${INPUT_TOKENS})`;
  const output = `Int(${OUTPUT_TOKENS})`;
  return (
    `${OPERATION} != nil and (${input} > ${limit} or ${output} > ${limit} or ` +
    `(${input} != nil and ${output} != nil and ${input} + ${output} > ${limit}))`
  );
}

/** The policies, in the order the collector reports them. */
export function samplingPolicies(sampling: TraceSamplingConfig): SamplingPolicy[] {
  const spanCondition = (name: string, span: string[]): LeafSamplingPolicy => ({
    name,
    type: 'ottl_condition',
    // A condition that cannot be evaluated on a span is false for it (and logged), not an error for the trace.
    ottl_condition: { error_mode: 'ignore', span },
  });
  return [
    ...(sampling.keepErrors
      ? [{ name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } } satisfies SamplingPolicy]
      : []),
    ...(sampling.keepToolErrors ? [spanCondition('tool_errors', [FAILED_TOOL_CALL])] : []),
    ...(sampling.tokensPerCallAbove > 0
      ? [spanCondition('token_heavy_calls', [tokensAbove(sampling.tokensPerCallAbove)])]
      : []),
    ...(sampling.agentTraceSpansAbove > 0
      ? [
          {
            name: 'agent_loops',
            type: 'and',
            and: {
              and_sub_policy: [
                // A tool call marks an agent loop too, and ends early: a run still going at the decision,
                // whose invoke_agent span ends last, is recognised by the tool calls that have arrived.
                // One attribute's value: the native policy, cheaper than OTTL on every span.
                {
                  name: 'agent_loops/agent_or_tool',
                  type: 'string_attribute',
                  string_attribute: { key: OPERATION_NAME, values: ['invoke_agent', 'execute_tool'] },
                },
                // span_count's bound is inclusive: more than N is at least N + 1.
                {
                  name: 'agent_loops/spans',
                  type: 'span_count',
                  span_count: { min_spans: sampling.agentTraceSpansAbove + 1 },
                },
              ],
            },
          } satisfies SamplingPolicy,
        ]
      : []),
    {
      name: 'slow',
      type: 'latency',
      latency: { threshold_ms: Math.round(durationSeconds(sampling.latencyThreshold) * 1000) },
    },
    { name: 'baseline', type: 'probabilistic', probabilistic: { sampling_percentage: sampling.percentage } },
  ];
}
