import { metric, MetricCatalog } from './types';

/**
 * The attributes every GenAI client and server metric carries (semconv 1.41, `gen-ai-metrics.md`):
 * the operation and provider (required), the requested model where known, the server's address and
 * port where the instrumentation knows them, and the model that answered.
 */
const OPERATION = [
  'gen_ai_operation_name',
  'gen_ai_provider_name',
  'gen_ai_request_model',
  'gen_ai_response_model',
  'server_address',
  'server_port',
];

/**
 * The OpenTelemetry GenAI semantic conventions' metrics (semconv 1.41; the agent and tool durations
 * from the GenAI conventions' own repository), any platform's instrumentation can send as OTLP; on with
 * `genai.enabled`. The names are the gateway's Prometheus exporter's (collector 0.159, otlptranslator
 * 1.0): dots become underscores, unit `s` adds `_seconds`, an annotation unit such as `{token}` adds
 * nothing. The attributes become labels of the same spelling. test/e2e/genai.test.ts sends each one
 * through the real gateway and holds the exported names and labels to these.
 */
export const GENAI: MetricCatalog = {
  name: 'genai',
  source: 'OpenTelemetry GenAI semantic conventions 1.41 (gen_ai.* metrics), as the collector 0.159 exports them',
  delivery: 'otlp',
  metrics: [
    metric(
      'gen_ai_client_token_usage',
      'histogram',
      [...OPERATION, 'gen_ai_token_type'],
      'Number of input and output tokens used (gen_ai.client.token.usage, unit {token})',
    ),
    metric(
      'gen_ai_client_operation_duration_seconds',
      'histogram',
      [...OPERATION, 'error_type'],
      'GenAI operation duration (gen_ai.client.operation.duration)',
    ),
    metric(
      'gen_ai_client_operation_time_to_first_chunk_seconds',
      'histogram',
      OPERATION,
      'Time to the first chunk of a streamed response (gen_ai.client.operation.time_to_first_chunk)',
    ),
    metric(
      'gen_ai_client_operation_time_per_output_chunk_seconds',
      'histogram',
      OPERATION,
      'Time between the chunks of a streamed response (gen_ai.client.operation.time_per_output_chunk)',
    ),
    metric(
      'gen_ai_server_request_duration_seconds',
      'histogram',
      [...OPERATION, 'error_type'],
      'Model server request duration, to the last output token (gen_ai.server.request.duration)',
    ),
    metric(
      'gen_ai_server_time_to_first_token_seconds',
      'histogram',
      OPERATION,
      'Time to generate the first token (gen_ai.server.time_to_first_token)',
    ),
    metric(
      'gen_ai_server_time_per_output_token_seconds',
      'histogram',
      OPERATION,
      'Time per output token after the first (gen_ai.server.time_per_output_token)',
    ),
    metric(
      'gen_ai_invoke_agent_duration_seconds',
      'histogram',
      ['gen_ai_agent_name', 'gen_ai_request_model', 'error_type'],
      'Duration of an agent invocation (gen_ai.invoke_agent.duration)',
    ),
    metric(
      'gen_ai_execute_tool_duration_seconds',
      'histogram',
      ['gen_ai_tool_name', 'gen_ai_tool_type', 'gen_ai_agent_name', 'error_type'],
      'Duration of a tool execution (gen_ai.execute_tool.duration)',
    ),
  ],
};
