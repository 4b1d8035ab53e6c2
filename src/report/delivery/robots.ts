/**
 * @module Group-chat robot messages for a delivered report, in each platform's webhook format: WeCom
 * (企业微信 群机器人: markdown), DingTalk (钉钉 自定义机器人: link, optionally signed) and Feishu (飞书 自定义机器人:
 * post, optionally signed). Each answers 200 with its own error field; `robotOk` reads it.
 */
import { createHmac } from 'node:crypto';
import type { RobotKind } from './config.ts';

export interface RobotMessage {
  title: string;
  lines: string[];
  link: string;
  linkText: string;
}

/** The request a robot expects: the URL (DingTalk signs in the query) and the JSON body. */
export function robotRequest(
  kind: RobotKind,
  url: string,
  m: RobotMessage,
  secret: string | undefined,
  nowMs: number,
): { url: string; body: unknown } {
  switch (kind) {
    case 'wecom':
      return {
        url,
        body: {
          msgtype: 'markdown',
          markdown: {
            content: [`**${m.title}**`, ...m.lines.map((l) => `> ${l}`), `[${m.linkText}](${m.link})`].join('\n'),
          },
        },
      };
    case 'dingtalk': {
      let signed = url;
      if (secret) {
        const sign = createHmac('sha256', secret).update(`${nowMs}\n${secret}`).digest('base64');
        signed += `${url.includes('?') ? '&' : '?'}timestamp=${nowMs}&sign=${encodeURIComponent(sign)}`;
      }
      return {
        url: signed,
        body: { msgtype: 'link', link: { title: m.title, text: m.lines.join('\n'), messageUrl: m.link } },
      };
    }
    case 'feishu': {
      const timestamp = Math.floor(nowMs / 1000);
      const sign = secret
        ? {
            timestamp: String(timestamp),
            sign: createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64'),
          }
        : {};
      return {
        url,
        body: {
          ...sign,
          msg_type: 'post',
          content: {
            post: {
              zh_cn: {
                title: m.title,
                content: [
                  ...m.lines.map((l) => [{ tag: 'text', text: l }]),
                  [{ tag: 'a', text: m.linkText, href: m.link }],
                ],
              },
            },
          },
        },
      };
    }
  }
}

/** Whether a robot's answer says the message was taken (each platform has its own error field). */
export function robotOk(kind: RobotKind, status: number, body: unknown): string | undefined {
  if (status < 200 || status >= 300) return `HTTP ${status}`;
  const b = (body ?? {}) as { errcode?: number; errmsg?: string; code?: number; msg?: string; StatusCode?: number };
  if (kind === 'feishu') {
    const code = b.code ?? b.StatusCode ?? 0;
    return code === 0 ? undefined : `feishu code ${code}: ${b.msg ?? ''}`;
  }
  return (b.errcode ?? 0) === 0 ? undefined : `${kind} errcode ${b.errcode}: ${b.errmsg ?? ''}`;
}
