/**
 * The subset of Alertmanager's configuration file the stack renders, as types, and the pure function
 * that renders it from the config: `amtool check-config` judges the result, and a misspelt key is a
 * tsc error first. Credentials are never in it: each is a `*_file` path under the mounted Secrets.
 */
import type { AlertmanagerConfig, Receiver, Route, SecretKeyRef } from '../src/config/types';

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

/** alertmanager.yml for `config`; `file` gives the mounted path of a Secret key (and records it). */
export function alertmanagerConfig(
  config: AlertmanagerConfig,
  file: (ref: SecretKeyRef) => string,
): AlertmanagerConfigFile {
  return {
    route: renderRoute(config.route),
    receivers: config.receivers.map((r) => renderReceiver(r, file)),
    inhibit_rules: config.inhibitRules.map((r) => ({
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
