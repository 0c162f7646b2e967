/**
 * Where a message to a shopper goes beyond the in-app inbox (issue 17): a channel such as WeCom
 * (企业微信). The follow-up sequences send each step to the inbox and to every configured
 * channel; a channel must treat `idempotencyKey` as the message's identity (a retried step
 * passes the same key) and throw when the message was not accepted, so the step is retried.
 */
export interface OutboundMessage {
  idempotencyKey: string;
  shopperId: string;
  locale: "zh-CN" | "en";
  title: string;
  body: string;
  /** A path on the storefront the message points to, e.g. `/sale/sku-1`. */
  link?: string;
}

export interface MessageChannel {
  /** Short and stable: recorded in `sequence_sends.channels`. */
  readonly name: string;
  send(message: OutboundMessage): Promise<void>;
}
