/** @module How scheduled reports are delivered (the hub config's `reports.delivery`, schema in src/hub/config.schema.json). */
import type { Lang } from '../../catalog/docs.ts';
import type { ReportFormat } from '../types.ts';

export type RobotKind = 'wecom' | 'dingtalk' | 'feishu';

export interface DeliveryRoute {
  /** Province codes, `nation`, or `*`. */
  scopes: string[];
  langs?: Lang[];
  email?: string[];
  webhooks?: Array<{ kind: RobotKind; url: string; secret_env?: string }>;
}

export interface DeliveryConfig {
  /** The hub's address as recipients reach it: download links start with it. */
  link_base?: string;
  link_ttl_hours?: number;
  retries?: number;
  retry_delay_ms?: number;
  attach?: ReportFormat[];
  smtp?: {
    host: string;
    port?: number;
    secure?: boolean;
    user?: string;
    password_env?: string;
    from: string;
  };
  routes?: DeliveryRoute[];
}
