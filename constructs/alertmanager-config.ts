/**
 * The subset of Alertmanager's configuration file the stack renders, as types, and the pure function
 * that renders it from the config: `amtool check-config` judges the result, and a misspelt key is a
 * tsc error first. Credentials are never in it: each is a `*_file` path under the mounted Secrets.
 */
import type { AlertmanagerConfig, InhibitRule, Receiver, Route, SecretKeyRef } from '../src/config/types';
import { durationSeconds } from '../src/config/duration';
import { show } from '../src/lib/problems';

export interface RouteFile {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  routes?: RouteFile[];
}

export interface SlackConfig {
  api_url_file: string;
  channel?: string;
  send_resolved: boolean;
  title: string;
  text: string;
}

export interface EmailConfig {
  to: string;
  from: string;
  smarthost: string;
  auth_username?: string;
  auth_password_file?: string;
  require_tls: boolean;
  send_resolved: boolean;
}

export interface ReceiverFile {
  name: string;
  slack_configs?: SlackConfig[];
  pagerduty_configs?: Array<{ routing_key_file: string; send_resolved: boolean }>;
  email_configs?: EmailConfig[];
  opsgenie_configs?: Array<{ api_key_file: string; send_resolved: boolean }>;
  webhook_configs?: Array<{ url_file: string; send_resolved: boolean }>;
}

export interface InhibitRuleFile {
  source_matchers: string[];
  target_matchers: string[];
  equal?: string[];
}

/** alertmanager.yml. */
export interface AlertmanagerConfigFile {
  route: RouteFile;
  receivers: ReceiverFile[];
  inhibit_rules: InhibitRuleFile[];
}

/** The receiver of the always-firing Watchdog alert: the dead man's switch. */
export const WATCHDOG_RECEIVER = 'watchdog';

/**
 * The dead man's switch's route, ahead of the whole tree: Watchdog alone, sent at once and every
 * `interval` after, never reaching the other receivers.
 */
function watchdogRoute(interval: string): RouteFile {
  return {
    receiver: WATCHDOG_RECEIVER,
    matchers: ['alertname="Watchdog"'],
    group_by: ['alertname'],
    group_wait: '0s',
    group_interval: interval,
    repeat_interval: interval,
  };
}

/**
 * alertmanager.yml for `config`; `file` gives the mounted path of a Secret key (and records it).
 * `packInhibitRules` (the alert packs' own pairs) follow the config's inhibit rules.
 */
export function alertmanagerConfig(
  config: AlertmanagerConfig,
  file: (ref: SecretKeyRef) => string,
  packInhibitRules: readonly InhibitRule[] = [],
): AlertmanagerConfigFile {
  const root = renderRoute(effectiveRoute(config));
  const { webhook, interval } = config.deadMansSwitch;
  return {
    route: { ...root, routes: [watchdogRoute(interval), ...(root.routes ?? [])] },
    receivers: [
      ...allReceivers(config).map((r) => renderReceiver(r, file)),
      // A ping, not an incident: nothing to resolve.
      {
        name: WATCHDOG_RECEIVER,
        ...(webhook ? { webhook_configs: [{ url_file: file(webhook.url), send_resolved: false }] } : {}),
      },
    ],
    inhibit_rules: [...config.inhibitRules, ...packInhibitRules].map((r) => ({
      source_matchers: r.sourceMatchers,
      target_matchers: r.targetMatchers,
      equal: r.equal,
    })),
  };
}

function renderRoute(route: Route): RouteFile {
  return {
    ...(route.receiver !== undefined ? { receiver: route.receiver } : {}),
    ...(route.matchers ? { matchers: route.matchers } : {}),
    ...(route.groupBy ? { group_by: route.groupBy } : {}),
    ...(route.groupWait ? { group_wait: route.groupWait } : {}),
    ...(route.groupInterval ? { group_interval: route.groupInterval } : {}),
    ...(route.repeatInterval ? { repeat_interval: route.repeatInterval } : {}),
    ...(route.continue !== undefined ? { continue: route.continue } : {}),
    ...(route.routes ? { routes: route.routes.map(renderRoute) } : {}),
  };
}

function renderReceiver(r: Receiver, file: (ref: SecretKeyRef) => string): ReceiverFile {
  return {
    name: r.name,
    ...(r.slack
      ? {
          slack_configs: r.slack.map((s) => ({
            api_url_file: file(s.apiUrl),
            channel: s.channel,
            send_resolved: s.sendResolved ?? true,
            title: '{{ template "slack.default.title" . }}',
            // The runbook line only where the alert links one (alerts.runbookBaseUrl).
            text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}{{ end }}',
          })),
        }
      : {}),
    ...(r.pagerduty
      ? {
          pagerduty_configs: r.pagerduty.map((p) => ({ routing_key_file: file(p.routingKey), send_resolved: true })),
        }
      : {}),
    ...(r.email
      ? {
          email_configs: r.email.map((e) => ({
            to: e.to,
            from: e.from,
            smarthost: e.smarthost,
            ...(e.authUsername ? { auth_username: e.authUsername } : {}),
            ...(e.authPassword ? { auth_password_file: file(e.authPassword) } : {}),
            require_tls: e.requireTls ?? true,
            send_resolved: true,
          })),
        }
      : {}),
    ...(r.opsgenie
      ? {
          opsgenie_configs: r.opsgenie.map((o) => ({ api_key_file: file(o.apiKey), send_resolved: true })),
        }
      : {}),
    ...(r.webhook
      ? {
          webhook_configs: r.webhook.map((w) => ({ url_file: file(w.url), send_resolved: true })),
        }
      : {}),
  };
}

// Alertmanager's matcher syntax: a label name, an operator and a value, quoted or not.
const MATCHER = /^[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*("(?:[^"\\]|\\.)*"|[^"\s{},=~!]*)$/;

/** What is wrong with one matcher, or undefined: its form, and for =~ and !~ its regular expression. */
function matcherProblem(matcher: string): string | undefined {
  const m = MATCHER.exec(matcher);
  if (!m) return `must be a matcher like severity="critical", got ${show(matcher)}`;
  const [, op, quoted = ''] = m;
  if (op === '=~' || op === '!~') {
    const pattern = quoted.startsWith('"') ? (JSON.parse(quoted) as string) : quoted;
    try {
      new RegExp(`^(?:${pattern})$`);
    } catch {
      return `the regular expression does not compile, got ${show(matcher)}`;
    }
  }
  return undefined;
}

/** A node of the config with the path that names it in a problem line. */
type Placed<T> = readonly [T, string];

/** Every receiver of `am`, each with its path: `receivers`, then `extraReceivers`. */
function placedReceivers(am: AlertmanagerConfig): Array<Placed<Receiver>> {
  return [
    ...am.receivers.map((r, i): Placed<Receiver> => [r, `/alertmanager/receivers/${i}`]),
    ...(am.extraReceivers ?? []).map((r, i): Placed<Receiver> => [r, `/alertmanager/extraReceivers/${i}`]),
  ];
}

/** The receivers Alertmanager gets for `am` (but the dead man's switch's): `receivers`, then `extraReceivers`. */
export function allReceivers(am: AlertmanagerConfig): Receiver[] {
  return placedReceivers(am).map(([r]) => r);
}

/**
 * The root's routes, each with its path: `extraRoutes` first, each continuing unless it says not (so
 * adding a route takes no alert from the tree's own), then `route.routes`. Placed after them, a route
 * would only see what no default route took: with the defaults' severity routes, nothing but info.
 */
function placedRootRoutes(am: AlertmanagerConfig): Array<Placed<Route>> {
  return [
    ...(am.extraRoutes ?? []).map((r, i): Placed<Route> => [
      { ...r, continue: r.continue ?? true },
      `/alertmanager/extraRoutes/${i}`,
    ]),
    ...(am.route.routes ?? []).map((r, i): Placed<Route> => [r, `/alertmanager/route/routes/${i}`]),
  ];
}

/** The routing tree Alertmanager gets for `am` (but the dead man's switch's route): `extraRoutes` ahead of `route.routes`. */
export function effectiveRoute(am: AlertmanagerConfig): Route & { receiver: string } {
  const routes = placedRootRoutes(am).map(([r]) => r);
  return am.route.routes !== undefined || routes.length > 0 ? { ...am.route, routes } : am.route;
}

/** The children of a route, each with its path under `at`. */
function placedChildren(route: Route, at: string): Array<Placed<Route>> {
  return (route.routes ?? []).map((child, i): Placed<Route> => [child, `${at}/routes/${i}`]);
}

/**
 * Routing mistakes Alertmanager accepts silently: a receiver no route sends to, and a route that an
 * earlier sibling without matchers (and without `continue`) always takes first.
 */
export function routingProblems(root: Route, receivers: readonly string[]): string[] {
  return treeProblems(
    root,
    placedChildren(root, '/alertmanager/route'),
    receivers.map((name, i): Placed<string> => [name, `/alertmanager/receivers/${i}`]),
  );
}

function treeProblems(
  root: Route,
  rootChildren: ReadonlyArray<Placed<Route>>,
  receivers: ReadonlyArray<Placed<string>>,
): string[] {
  const problems: string[] = [];
  const used = new Set<string>(root.receiver !== undefined ? [root.receiver] : []);
  const walk = (children: ReadonlyArray<Placed<Route>>) => {
    const catchAll = children.findIndex(([child]) => (child.matchers ?? []).length === 0 && child.continue !== true);
    children.forEach(([child, at], i) => {
      if (catchAll >= 0 && i > catchAll) {
        problems.push(
          `${at}: is never reached: ${children[catchAll]![1]} before it has no matchers and no continue, so it takes every alert`,
        );
      }
      if (child.receiver !== undefined) used.add(child.receiver);
      walk(placedChildren(child, at));
    });
  };
  walk(rootChildren);
  for (const [name, at] of receivers) {
    if (!used.has(name)) problems.push(`${at}: receiver ${show(name)} is used by no route`);
  }
  return problems;
}

/** What Alertmanager would refuse, or never use, in its config (paths under /alertmanager). */
export function alertmanagerProblems(am: AlertmanagerConfig): string[] {
  const problems: string[] = [];
  if (am.replicas === 2)
    problems.push('/alertmanager/replicas: 2 peers cannot keep quorum, use 1 or 3 and more, got 2');
  const receivers = placedReceivers(am);
  receivers.forEach(([receiver, at]) =>
    (receiver.email ?? []).forEach((email, j) => {
      const port = Number(email.smarthost.split(':').pop());
      if (!(port >= 1 && port <= 65535))
        problems.push(`${at}/email/${j}/smarthost: the port must be 1 to 65535, got ${show(email.smarthost)}`);
    }),
  );
  const names = new Map<string, string>();
  receivers.forEach(([receiver, at]) => {
    if (receiver.name === WATCHDOG_RECEIVER)
      problems.push(
        `${at}/name: ${show(WATCHDOG_RECEIVER)} is the dead man's switch's receiver (set /alertmanager/deadMansSwitch), give this one another name`,
      );
    const first = names.get(receiver.name);
    if (first !== undefined)
      problems.push(
        // An added receiver is named beside the defaults it does not show: say which one it collides with.
        `${at}/name: duplicate receiver ${show(receiver.name)}${at.startsWith('/alertmanager/extraReceivers/') ? ` (${first} has it)` : ''}`,
      );
    else names.set(receiver.name, at);
  });
  const routeProblems: string[] = [];
  const check = (route: Route, at: string) => {
    if (route.receiver !== undefined && !names.has(route.receiver)) {
      routeProblems.push(
        `${at}/receiver: no receiver named ${show(route.receiver)} (expected one of: ${[...names.keys()].join(', ')})`,
      );
    }
    (route.matchers ?? []).forEach((m, i) => {
      const problem = matcherProblem(m);
      if (problem) routeProblems.push(`${at}/matchers/${i}: ${problem}`);
    });
    for (const key of ['groupInterval', 'repeatInterval'] as const) {
      const value = route[key];
      if (value !== undefined && durationSeconds(value) === 0)
        routeProblems.push(`${at}/${key}: must be longer than 0 (Alertmanager refuses 0), got ${show(value)}`);
    }
  };
  const walk = (children: ReadonlyArray<Placed<Route>>) =>
    children.forEach(([child, at]) => {
      check(child, at);
      walk(placedChildren(child, at));
    });
  check(am.route, '/alertmanager/route');
  const rootChildren = placedRootRoutes(am);
  walk(rootChildren);
  problems.push(...routeProblems);
  // A tree already reported broken would only add noise ("unused" receivers its typos meant to name).
  if (routeProblems.length === 0)
    problems.push(
      ...treeProblems(
        am.route,
        rootChildren,
        receivers.map(([r, at]): Placed<string> => [r.name, at]),
      ),
    );
  am.inhibitRules.forEach((rule, i) => {
    for (const side of ['sourceMatchers', 'targetMatchers'] as const) {
      rule[side].forEach((m, j) => {
        const problem = matcherProblem(m);
        if (problem) problems.push(`/alertmanager/inhibitRules/${i}/${side}/${j}: ${problem}`);
      });
    }
  });
  return problems;
}
