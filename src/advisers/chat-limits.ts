/**
 * What a conversation accepts (issue 17): a message's length, how fast a shopper may write,
 * and how many sockets one conversation holds. A message is text a person types; a flood is
 * not, and each message is a Postgres write.
 */
export const CHAT_LIMITS = {
  /** Characters of one message (after trimming); a longer one is refused, nothing written. */
  maxMessageChars: 2000,
  /** A socket frame longer than this closes the socket (1009): a message at its longest, in UTF-8, and its envelope. */
  maxFrameBytes: 8192,
  /** Messages a shopper may send at once, then `shopperMessagesPerMinute` on average. */
  shopperBurst: 10,
  shopperMessagesPerMinute: 20,
  /** Open sockets on one conversation, per side (a shopper's tabs, the advisers looking at it). */
  socketsPerSide: 8,
  /** Messages a history read answers, newest last. */
  historyMessages: 200,
} as const;
