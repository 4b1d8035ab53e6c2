/** @module Types of generated Prometheus rules and of their promtool unit tests. */

/** One alerting rule as Prometheus reads it. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: AlertRule[];
}

/** A promtool test case for one rule: input series and the alerts expected at an evaluation time. */
export interface RuleCase {
  name: string;
  interval: string;
  input_series: Array<{ series: string; values: string }>;
  alert_rule_test: Array<{
    eval_time: string;
    alertname: string;
    exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations: Record<string, string> }>;
  }>;
}

/** What the annotations link to. */
export interface RuleUrls {
  /** Base URL of the runbooks (a folder served over HTTP, or the repository's rendered Markdown). */
  runbookBase: string;
  /** Grafana's URL (without a trailing slash). */
  grafana: string;
}

/** A rule plus what the runbook and tests need to know about it. */
export interface RuleSpec {
  rule: AlertRule;
  /** The group it belongs to. */
  group: string;
  /** Runbook text: what it means, how it is computed, what to check first (zh and en). */
  runbook: {
    meaning: { zh: string; en: string };
    computation: { zh: string; en: string };
    checks: { zh: string[]; en: string[] };
  };
  /** Test fixture: series that make it fire and series that keep it silent. */
  fixture: RuleFixture;
}

/** An alert a fixture makes fire: the rule (any rule of the same alertname may fire too), its labels and `$value`. */
export interface ExpectedAlert {
  rule: AlertRule;
  labels: Record<string, string>;
  value: number;
}

export interface RuleFixture {
  /** Series (promtool notation, 1m interval) that make the rule fire after `for`. */
  firing: Array<{ series: string; values: string }>;
  /** Every alert of the rule's alertname that fires on `firing`, including the rule's own. */
  expected: ExpectedAlert[];
  /** When the expectation is checked, in minutes after the first sample. */
  evalMinutes: number;
  /** Series that must keep it silent (none for the watchdog). */
  silent?: Array<{ series: string; values: string }>;
}
