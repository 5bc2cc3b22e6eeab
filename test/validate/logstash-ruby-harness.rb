# What Logstash gives a `ruby { init => ... code => ... }` filter, for JRuby to run the rendered filter
# outside Logstash: LogStash::Event (get/set/remove/include?/tag with strict field references, values
# converted as Logstash's Valuefier does, `@timestamp` only as a LogStash::Timestamp), LogStash::Timestamp
# (`at` and `parse_iso8601`, on java.time as Logstash's Timestamp is, printed as Logstash prints it) and
# the filter itself, as logstash-filter-ruby runs it: `init` evaluated once in the filter's binding,
# `code` as the body of a lambda taking `event`, and any exception tagging the event `_rubyexception`.
#
# Standard input: {"filters": {name: {"init": ..., "code": ...}}, "events": [{"filter": name,
# "receivedAt": ISO8601, "data": {...}}]}. Standard output: a line {"jruby": ..., "ruby": ...}, then a
# JSON line per event, {"event": ..., "rubyException": ...}: the event as the output would serialize it
# (its fields, tags among them, @timestamp as text) and what the code raised, if it raised.
require "json"
require "jruby"

module LogStash
  class TimestampParserError < StandardError; end

  # Logstash's org.logstash.Timestamp: an Instant, parsed leniently, printed with at least milliseconds.
  class Timestamp
    F = java.time.format
    LENIENT = F::DateTimeFormatterBuilder.new
      .parseCaseInsensitive
      .append(F::DateTimeFormatter::ISO_LOCAL_DATE)
      .optionalStart.appendLiteral("T").append(F::DateTimeFormatter::ISO_LOCAL_TIME).optionalEnd
      .optionalStart.appendZoneOrOffsetId.optionalEnd
      .optionalStart.appendOffset("+HHmmss", "Z").optionalEnd
      .parseDefaulting(java.time.temporal.ChronoField::HOUR_OF_DAY, 0)
      .parseDefaulting(java.time.temporal.ChronoField::MINUTE_OF_HOUR, 0)
      .parseDefaulting(java.time.temporal.ChronoField::SECOND_OF_MINUTE, 0)
      .parseDefaulting(java.time.temporal.ChronoField::NANO_OF_SECOND, 0)
      .toFormatter
      .withZone(java.time.ZoneOffset::UTC) # the zone of Logstash's container
    ISO_INSTANT_MILLIS = F::DateTimeFormatterBuilder.new.appendInstant(3).toFormatter

    attr_reader :instant

    def initialize(instant)
      @instant = instant
    end

    # As JrubyTimestampExtLibrary#ruby_at: Ruby's Time.at with the same arguments, as an Instant.
    def self.at(*args)
      new(JRuby.reference(Time.at(*args)).toInstant)
    end

    def self.parse_iso8601(text)
      raise TypeError, "wrong argument type #{text.class} (expected String)" unless text.is_a?(String)
      new(java.time.Instant.from(LENIENT.parse(text)))
    rescue Java::JavaTimeFormat::DateTimeParseException => e
      raise TimestampParserError, "invalid timestamp format Invalid ISO8601 input `#{text}`: #{e.message}"
    end

    def to_s
      (instant.getNano == 0 ? ISO_INSTANT_MILLIS : F::DateTimeFormatter::ISO_INSTANT).format(instant)
    end
    alias to_iso8601 to_s
  end

  class Event
    REFERENCE = /\A(?:\[[^\[\]]+\])+\z/

    def initialize(data)
      @data = valuefy(data)
    end

    def get(reference)
      copy(parse(reference).reduce(@data) { |value, key| value.is_a?(Hash) ? value[key] : nil })
    end

    def set(reference, value)
      path = parse(reference)
      if path == ["@timestamp"] && !value.is_a?(Timestamp)
        raise TypeError, "wrong argument type #{value.class} (expected LogStash::Timestamp)"
      end
      raise ArgumentError, "tags must be a string or a list of strings" if path[0] == "tags" && (path.size > 1 || !tags?(value))
      parent = path[0..-2].reduce(@data) do |map, key|
        map[key] = {} unless map[key].is_a?(Hash)
        map[key]
      end
      parent[path[-1]] = valuefy(value)
      value
    end

    def include?(reference)
      path = parse(reference)
      parent = path[0..-2].reduce(@data) { |map, key| map.is_a?(Hash) ? map[key] : nil }
      parent.is_a?(Hash) && parent.key?(path[-1])
    end

    def remove(reference)
      path = parse(reference)
      parent = path[0..-2].reduce(@data) { |map, key| map.is_a?(Hash) ? map[key] : nil }
      parent.is_a?(Hash) ? copy(parent.delete(path[-1])) : nil
    end

    def tag(name)
      tags = @data["tags"]
      if tags.nil?
        @data["tags"] = [name]
      else
        tags = @data["tags"] = [tags] unless tags.is_a?(Array)
        tags << name unless tags.include?(name)
      end
    end

    def to_hash
      copy(@data)
    end

    private

    # FieldReference, strict: `name`, or one or more `[name]`.
    def parse(reference)
      raise TypeError, "wrong argument type #{reference.class} (expected String)" unless reference.is_a?(String)
      return reference.scan(/\[([^\[\]]+)\]/).flatten if reference =~ REFERENCE
      return [reference] unless reference.empty? || reference =~ /[\[\]]/
      raise "Invalid FieldReference: `#{reference}`"
    end

    def tags?(value)
      value.nil? || value.is_a?(String) || (value.is_a?(Array) && value.all? { |t| t.is_a?(String) })
    end

    # Valuefier: the types an event holds; anything else fails as it does in Logstash.
    def valuefy(value)
      case value
      when Hash then value.each_with_object({}) { |(k, v), map| map[k.to_s] = valuefy(v) }
      when Array then value.map { |v| valuefy(v) }
      when Time then Timestamp.new(JRuby.reference(value).toInstant)
      when String, Symbol, Integer, Float, true, false, nil, Timestamp then value
      else raise ArgumentError, "Missing Converter handling for full class name=#{value.class}"
      end
    end

    # Rubyfier.deep: what get and remove return is the event's value, not a view of it.
    def copy(value)
      case value
      when Hash then value.transform_values { |v| copy(v) }
      when Array then value.map { |v| copy(v) }
      else value
      end
    end
  end

  module Filters
    class Ruby
      def initialize(init, code)
        @init = init
        @code = code
      end

      def register
        eval(@init, binding, "(ruby filter init)") if @init
        eval("@codeblock = lambda { |event, &new_event_block| #{@code} }", binding, "(ruby filter code)")
      end

      # The exception the code raised, if any (Logstash logs it: "Ruby exception occurred").
      def filter(event)
        @codeblock.call(event)
        nil
      rescue Exception => e # as logstash-filter-ruby does
        event.tag("_rubyexception")
        "#{e.class}: #{e.message}"
      end
    end
  end
end

# Serializes as Logstash's output does: a timestamp as its ISO 8601 text. A lambda, not a method, so the
# filter's code cannot call it by mistake.
plain = lambda do |value|
  case value
  when Hash then value.transform_values { |v| plain.call(v) }
  when Array then value.map { |v| plain.call(v) }
  when LogStash::Timestamp, Symbol then value.to_s
  else value
  end
end

input = JSON.parse($stdin.read)
filters = input["filters"].transform_values do |f|
  LogStash::Filters::Ruby.new(f["init"], f["code"]).tap(&:register)
end
$stdout.sync = true
puts JSON.generate({ "jruby" => JRUBY_VERSION, "ruby" => RUBY_VERSION })
input["events"].each do |e|
  event = LogStash::Event.new(e["data"])
  event.set("@timestamp", LogStash::Timestamp.parse_iso8601(e["receivedAt"]))
  exception = filters.fetch(e["filter"]).filter(event)
  puts JSON.generate({ "event" => plain.call(event.to_hash), "rubyException" => exception }.compact)
end
