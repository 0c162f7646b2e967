import type { MessageChannel } from "../../src/channels/channel.ts";

/**
 * The channels configured beyond the inbox (issue 17), from the Worker's environment: none
 * unless configured. The WeCom adapter joins here when its settings are present.
 */
export function externalChannels(_env: Env): MessageChannel[] {
  return [];
}
