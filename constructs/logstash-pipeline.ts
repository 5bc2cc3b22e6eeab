/**
 * The Logstash pipeline that turns OTLP/HTTP JSON log exports from the collector into one
 * Elasticsearch document per log record, parsing the agents' structured JSON logs (seed 000 §15.3,
 * seed 004's winston format) and seed 002's text lines (its ingest pipeline's grok and script:
 * `<ISO 8601 time> <LEVEL> [<agent>] <message>`), keeping trace_id/span_id, the agent and the
 * correlation and request ids for correlation, adding the cluster and environment, and routing each record to its log stream's
 * data stream (`logs-<stream>-<environment>`).
 *
 * Every record arrives from the collector gateway, which has already redacted PII (Logstash has no
 * other input, so no log bypasses it). The gateway sees a JSON log body as text, so it hashes the
 * e-mail and IP addresses in it but cannot remove keys; the attributes parsed from such a body are
 * redacted here by the same names (secret-like keys removed, user ids SHA-256 pseudonymized).
 *
 * Logstash config strings do not process escapes, so the Ruby below uses only double quotes and is
 * wrapped in single quotes.
 */

/**
 * A line of seed 002 as its ingest pipeline's grok reads it, `%{TIMESTAMP_ISO8601} %{LOGLEVEL}
 * \[%{DATA:agent}\] %{GREEDYDATA:message}`: the level, the agent and the rest (Ruby syntax; matched
 * ignoring case, `.` matching newlines, so a multi-line message stays whole).
 */
const AGENT_LINE = String.raw`\A\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\s+(alert|trace|debug|notice|info|information|warn|warning|err|error|crit|critical|fatal|severe|emerg|emergency)\s+\[([^\]]+)\]\s?(.*)\z`;

/** Seed 002's `integration_score=<number>` in a line's text. */
const INTEGRATION_SCORE = String.raw`integration_score=(\d+(?:\.\d+)?)`;

const RUBY_INIT = (o: LogstashPipelineOptions) => `
    require "json"
    require "digest"
    @streams = ${JSON.stringify(o.streams)}
    # The lines of seed 002, as its grok reads them (TIMESTAMP_ISO8601 LOGLEVEL [DATA] GREEDYDATA).
    @agent_line = Regexp.new(${JSON.stringify(AGENT_LINE)}, Regexp::IGNORECASE | Regexp::MULTILINE)
    @integration_score = Regexp.new(${JSON.stringify(INTEGRATION_SCORE)})
    @critical_agents = ${JSON.stringify(o.criticalAgentTypes ?? [])}
    @secret_name = ${o.redaction ? `Regexp.new(${JSON.stringify(o.redaction.removedName)}, Regexp::IGNORECASE)` : 'nil'}
    @pseudonymize = ${JSON.stringify(o.redaction?.pseudonymize ?? [])}
    @redact = lambda do |map|
      return {} unless map.is_a?(Hash)
      map.reject! { |k, _| k =~ @secret_name } if @secret_name
      @pseudonymize.each { |k| map[k] = Digest::SHA256.hexdigest(map[k].to_s) if map.key?(k) && !map[k].nil? }
      map
    end
    # Top-level keys of a JSON body the code above reads itself.
    @consumed = ["msg", "message", "level", "trace_id", "span_id", "resource", "attributes", "exception", "timestamp"]
    # Document fields and the attribute names they are taken from (OpenTelemetry spelling, then snake case).
    @correlation = {
      "[agent][id]" => ["agent.id", "agent_id"],
      "[agent][type]" => ["agent.type", "agent_type"],
      "correlation_id" => ["correlation.id", "correlation_id"],
      "request_id" => ["request.id", "request_id"]
    }
    @value = lambda do |v|
      return nil if v.nil?
      return v["stringValue"] if v.key?("stringValue")
      return v["boolValue"] if v.key?("boolValue")
      return v["intValue"].to_i if v.key?("intValue")
      return v["doubleValue"].to_f if v.key?("doubleValue")
      return (v["arrayValue"]["values"] || []).map { |x| @value.call(x) } if v.key?("arrayValue")
      return @attrs.call(v["kvlistValue"]["values"]) if v.key?("kvlistValue")
      nil
    end
    @attrs = lambda do |list|
      out = {}
      (list || []).each { |a| out[a["key"]] = @value.call(a["value"]) }
      out
    end
`;

const RUBY_CODE = `
    rl = event.get("[resourceLogs]") || {}
    sl = rl["scopeLogs"] || {}
    rec = sl["logRecords"] || {}
    resource = @attrs.call((rl["resource"] || {})["attributes"])
    attributes = @attrs.call(rec["attributes"])
    body = @value.call(rec["body"])
    level = rec["severityText"]
    trace_id = rec["traceId"]
    span_id = rec["spanId"]
    ns = rec["timeUnixNano"].to_i
    ns = rec["observedTimeUnixNano"].to_i if ns == 0
    # Whole nanoseconds: microseconds as a Float or Rational lose the last nanosecond of some times.
    event.set("@timestamp", LogStash::Timestamp.at(ns / 1000000000, ns % 1000000000, :nsec)) if ns > 0
    if body.is_a?(String) && body.lstrip.start_with?("{")
      begin
        parsed = JSON.parse(body)
        body = parsed["msg"] || parsed["message"] || body
        level = parsed["level"] || level
        trace_id = parsed["trace_id"] || trace_id
        span_id = parsed["span_id"] || span_id
        # Attributes inside a JSON body were text to the gateway: redact them by name here. A logger
        # that writes its fields at the top level (the winston format of seed 004: agent_type, correlation_id, ...)
        # has them kept as attributes too; nulls are left out.
        resource = resource.merge(@redact.call(parsed["resource"] || {}))
        own = parsed.reject { |k, v| v.nil? || @consumed.include?(k) }
        attributes = attributes.merge(@redact.call(own)).merge(@redact.call(parsed["attributes"] || {}))
        event.set("exception", parsed["exception"]) if parsed["exception"]
        if parsed["timestamp"]
          event.set("@timestamp", LogStash::Timestamp.parse_iso8601(parsed["timestamp"])) rescue nil
        end
      rescue JSON::ParserError
        event.tag("_agent_json_parse_failure")
      end
    elsif body.is_a?(String) && (line = @agent_line.match(body))
      # The record keeps its own time (the container runtime read the line at that instant).
      level = line[1] if level.nil? || level.empty?
      # Its agent is "<type>-<n>" (the script of seed 002: the name up to the first "-").
      attributes["agent.id"] ||= line[2]
      attributes["agent.type"] ||= line[2].split("-").first
      body = line[3]
    end
    if body.is_a?(String) && (score = @integration_score.match(body))
      event.set("integration_score", score[1].to_f)
    end
    event.set("message", body.is_a?(String) ? body : body.to_json) unless body.nil?
    event.set("level", level.to_s.downcase) unless level.nil? || level.to_s.empty?
    event.set("trace_id", trace_id) unless trace_id.nil? || trace_id.empty?
    event.set("span_id", span_id) unless span_id.nil? || span_id.empty?
    event.set("[service][name]", resource["service.name"]) if resource["service.name"]
    event.set("[service][version]", resource["service.version"]) if resource["service.version"]
    # The agent and the request a record belongs to, under one name whichever way the logger spells
    # them, and not again among the labels.
    @correlation.each do |field, names|
      value = names.map { |n| attributes[n] }.compact.first
      event.set(field, value.is_a?(String) ? value : value.to_s) unless value.nil?
      names.each { |n| attributes.delete(n) }
    end
    event.set("[agent][critical]", @critical_agents.include?(event.get("[agent][type]"))) unless @critical_agents.empty? || event.get("[agent][type]").nil?
    # The stream (data stream dataset) a record names, as the Elastic exporters do; unknown or none: the default.
    stream = attributes["data_stream.dataset"] || resource["data_stream.dataset"]
    event.set("[data_stream][dataset]", @streams.include?(stream) ? stream : @streams.first)
    attributes.delete("data_stream.dataset")
    event.set("[labels]", attributes.map { |k, v| [k.tr(".", "_"), v.is_a?(String) ? v : v.to_json] }.to_h)
    event.set("[resource_attributes]", resource.map { |k, v| [k.tr(".", "_"), v.is_a?(String) ? v : v.to_json] }.to_h)
    event.remove("[resourceLogs]")
`;

export interface LogstashPipelineOptions {
  readonly httpPort: number;
  /** Elasticsearch HTTPS URL. */
  readonly elasticsearchUrl: string;
  /** The stack CA: verifies the clients of the http input. */
  readonly caFile: string;
  /** The CA that verifies Elasticsearch. @default - the JVM's public roots */
  readonly elasticsearchCaFile?: string;
  /** The http input's server certificate and key (PKCS#8); it requires a client certificate from `caFile`'s CA. */
  readonly certFile: string;
  readonly keyFile: string;
  /** Data stream namespace (lower-case letters, digits, underscores). */
  readonly dataStreamNamespace: string;
  /** Log streams (data stream datasets) a record may name in `data_stream.dataset`; the first is the default. */
  readonly streams: readonly string[];
  /**
   * The gateway's name-based redaction, repeated on attributes the gateway could not see (inside
   * JSON log bodies). @default - none
   */
  readonly redaction?: { readonly removedName: string; readonly pseudonymize: readonly string[] };
  /** Agent types whose records get `agent.critical: true`, the others false (seed 002). @default - no flag */
  readonly criticalAgentTypes?: readonly string[];
}

/** The `otlp-logs` pipeline definition (Logstash config language). */
export function otlpLogsPipeline(o: LogstashPipelineOptions): string {
  return `input {
  http {
    id => "otlp_http_json"
    host => "0.0.0.0"
    port => ${o.httpPort}
    additional_codecs => { "application/json" => "json" }
    ssl_enabled => true
    ssl_certificate => "${o.certFile}"
    ssl_key => "${o.keyFile}"
    ssl_certificate_authorities => ["${o.caFile}"]
    ssl_client_authentication => "required"
    ssl_supported_protocols => ["TLSv1.3"]
  }
}

filter {
  # One OTLP export request holds resources > scopes > records: one event per log record.
  split { id => "split_resources" field => "[resourceLogs]" }
  split { id => "split_scopes" field => "[resourceLogs][scopeLogs]" }
  split { id => "split_records" field => "[resourceLogs][scopeLogs][logRecords]" }
  ruby {
    id => "otlp_to_document"
    init => '${RUBY_INIT(o)}'
    code => '${RUBY_CODE}'
  }
  mutate {
    id => "enrich"
    add_field => {
      "[cluster]" => "\${STACK_CLUSTER}"
      "[environment]" => "\${STACK_ENVIRONMENT}"
    }
    remove_field => ["[http]", "[url]", "[user_agent]", "[host]", "[event][original]"]
  }
}

output {
  elasticsearch {
    id => "elasticsearch_data_stream"
    hosts => ["${o.elasticsearchUrl}"]
    user => "\${ES_USERNAME}"
    password => "\${ES_PASSWORD}"
    ssl_enabled => true
${o.elasticsearchCaFile ? `    ssl_certificate_authorities => ["${o.elasticsearchCaFile}"]\n` : ''}    data_stream => "true"
    data_stream_type => "logs"
    # Routed by the [data_stream][dataset] of each event, set above to one of the configured streams.
    data_stream_auto_routing => true
    data_stream_dataset => "${o.streams[0]}"
    data_stream_namespace => "${o.dataStreamNamespace}"
  }
}
`;
}
