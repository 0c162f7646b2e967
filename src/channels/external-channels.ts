import { kvCredentialCache } from "../share/wechat-ticket.ts";
import type { MessageChannel } from "./channel.ts";
import { kvSentMemory, kvUserIds, WecomChannel, wecomSettings } from "./wecom.ts";

/**
 * The channels configured beyond the inbox (issue 17), from the Worker's environment: none
 * unless configured. WeCom (src/channels/wecom.ts) joins when WECOM_CORP_ID, WECOM_AGENT_ID and
 * the secret WECOM_CORP_SECRET are all set; its token, sent keys and shoppers' userids live in
 * the storefront's KV.
 */
export function externalChannels(env: Env): MessageChannel[] {
  const wecom = wecomSettings(env);
  if (!wecom) return [];
  return [
    new WecomChannel(wecom, {
      cache: kvCredentialCache(env.SALES),
      sent: kvSentMemory(env.SALES),
      userIdOf: kvUserIds(env.SALES),
      now: () => Date.now(),
    }),
  ];
}
