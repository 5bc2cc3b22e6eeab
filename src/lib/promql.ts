/**
 * A small PromQL reader for synth: it finds the metrics, matcher labels and grouping labels of an
 * expression. Synth runs it on every query each time, so it avoids a full parser: lezer-promql
 * (Prometheus' own grammar) costs ~0.25 s of JIT warm-up per process for ~100 queries. The tests
 * parse every query with lezer-promql and require this reader to agree with it.
 */

/** What Prometheus receives once Grafana has replaced its variables: intervals become a duration, the rest a regex. */
export function substituteVariables(expr: string): string {
  return expr.replace(/\$\{?(__rate_interval|__interval|__range)\}?/g, '5m').replace(/\$\{?\w+\}?/g, '.*');
}

/** One label matcher of a selector: `job="mca"` is { label: 'job', op: '=', value: 'mca' }. */
export interface PromqlMatcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/**
 * Whether a label value satisfies a matcher (Prometheus' regexes are anchored; "" is an absent label).
 * A regex JavaScript cannot read is assumed to accept it.
 */
export function matcherAccepts(m: PromqlMatcher, value: string): boolean {
  if (m.op === '=') return value === m.value;
  if (m.op === '!=') return value !== m.value;
  let matches: boolean;
  try {
    matches = new RegExp(`^(?:${m.value})$`).test(value);
  } catch {
    return true;
  }
  return m.op === '=~' ? matches : !matches;
}

/** One vector selector: the metric it names, the labels its matchers read, and the matchers. */
export interface PromqlSelector {
  readonly metric: string;
  readonly labels: string[];
  readonly matchers: PromqlMatcher[];
}

/** What one PromQL expression says: its syntax errors, the metric names it selects, the labels it reads. */
export interface PromqlAnalysis {
  readonly errors: string[];
  readonly metrics: string[];
  readonly selectors: PromqlSelector[];
  /** Labels named by `by`, `without`, `on`, `ignoring` and `group_*` anywhere in the expression. */
  readonly groupingLabels: string[];
}

/** The value of a PromQL string literal (double, single or back quotes). */
function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  return JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"` : literal) as string;
}

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string; at: number };

const TOKEN = /\s+|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)|([0-9.][0-9a-zA-Z_.]*)|([a-zA-Z_:][a-zA-Z0-9_:]*)|(=~|!~|!=|==|<=|>=|[-+*/%^@=<>(){}[\],])/y;
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan', 'start', 'end']);
const CLOSING: Record<string, string> = { ')': '(', '}': '{', ']': '[' };

function tokenize(promql: string): Token[] | string {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < promql.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(promql);
    if (m === null) {
      return `unexpected character at ${at} in: ${promql}`;
    }
    if (m[1] !== undefined) tokens.push({ kind: 'string', text: m[1], at });
    else if (m[2] !== undefined) tokens.push({ kind: 'number', text: m[2], at });
    else if (m[3] !== undefined) tokens.push({ kind: 'ident', text: m[3], at });
    else if (m[4] !== undefined) tokens.push({ kind: 'punct', text: m[4], at });
  }
  return tokens;
}

/** Each expression read so far: synth reads every rule's twice (its metrics, then its selectors' labels). */
const analysed = new Map<string, PromqlAnalysis>();

/** Reads a Grafana PromQL expression: its metrics and labels, and bracket and token errors. */
export function analysePromql(expr: string): PromqlAnalysis {
  let analysis = analysed.get(expr);
  if (analysis === undefined) {
    analysis = readPromql(expr);
    analysed.set(expr, analysis);
  }
  return analysis;
}

function readPromql(expr: string): PromqlAnalysis {
  const promql = substituteVariables(expr);
  const none = { metrics: [], selectors: [], groupingLabels: [] };
  if (promql.trim() === '') {
    return { errors: ['empty expression'], ...none };
  }
  const tokens = tokenize(promql);
  if (typeof tokens === 'string') {
    return { errors: [tokens], ...none };
  }
  const stack: string[] = [];
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '{' || t.text === '[') stack.push(t.text);
    else if (t.text in CLOSING && stack.pop() !== CLOSING[t.text]) {
      return { errors: [`unbalanced '${t.text}' at ${t.at} in: ${promql}`], ...none };
    }
  }
  if (stack.length > 0) {
    return { errors: [`unclosed '${stack[stack.length - 1]}' in: ${promql}`], ...none };
  }

  const selectors: PromqlSelector[] = [];
  const grouping = new Set<string>();
  /** The identifiers up to the bracket closing the one at `open`, and the index after it. */
  const inside = (open: number, close: string): [Token[], number] => {
    let i = open + 1;
    const found: Token[] = [];
    // The brackets are balanced (checked above), so the closing one is there.
    for (let t = tokens[i]; t !== undefined && t.text !== close; t = tokens[++i]) found.push(t);
    return [found, i + 1];
  };
  let i = 0;
  for (let t = tokens[0]; t !== undefined; t = tokens[i]) {
    const next = tokens[i + 1];
    if (t.kind === 'punct' && t.text === '[') {
      i = inside(i, ']')[1];
    } else if (t.kind === 'punct' && t.text === '{') {
      // A selector without a metric name ({__name__=...}): nothing to check, as lezer sees it.
      i = inside(i, '}')[1];
    } else if (t.kind !== 'ident') {
      i++;
    } else if (GROUPING.has(t.text) && next?.text === '(') {
      const [labels, after] = inside(i + 1, ')');
      labels.filter((l) => l.kind === 'ident').forEach((l) => grouping.add(l.text));
      i = after;
    } else if (next?.text === '(' || KEYWORDS.has(t.text.toLowerCase()) || GROUPING.has(t.text) || (AGGREGATIONS.has(t.text) && (next?.text === '(' || GROUPING.has(next?.text ?? '')))) {
      // A grouping modifier without a label list (`group_left` alone) is a keyword, not a metric.
      i++;
    } else if (next?.text === '{') {
      const [matchers, after] = inside(i + 1, '}');
      // Each matcher is `label op "value"`: the label is the identifier before an operator.
      const isLabel = (m: Token, k: number) => m.kind === 'ident' && matchers[k + 1]?.kind === 'punct' && matchers[k + 1]?.text !== ',';
      const labels = matchers.filter(isLabel).map((m) => m.text);
      const parsed = matchers.flatMap((m, k) => {
        const [op, value] = [matchers[k + 1], matchers[k + 2]];
        return isLabel(m, k) && op && value?.kind === 'string' ? [{ label: m.text, op: op.text as PromqlMatcher['op'], value: unquote(value.text) }] : [];
      });
      selectors.push({ metric: t.text, labels, matchers: parsed });
      i = after;
    } else {
      selectors.push({ metric: t.text, labels: [], matchers: [] });
      i++;
    }
  }
  return {
    errors: [],
    metrics: [...new Set(selectors.map((s) => s.metric))].sort(),
    selectors,
    groupingLabels: [...grouping].sort(),
  };
}
