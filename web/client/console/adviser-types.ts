import type { ChatMessage } from "../../../src/advisers/chat-frames.ts";
import type { ConversationRow } from "../../../src/advisers/conversation-store.ts";
import type { RosterAdviser } from "../../../src/advisers/roster.ts";
import type { ShopperProfile } from "../../../src/advisers/shopper-profile.ts";
import type { PresentedAccount } from "../../../src/staff/present.ts";

/** What /admin/api/conversations and /admin/api/advisers answer (workers/storefront/admin/conversations.ts, advisers.ts), from the domain's own types. */
export interface ConversationInbox {
  conversations: Array<ConversationRow & { lastMessage: string | null }>;
}
export interface AdviserConversation {
  conversation: ConversationRow;
  messages: ChatMessage[];
  profile: ShopperProfile;
  coupons: Array<{ id: string; title: string; status: string; usable: boolean; validUntil: number; claimedAt: number }>;
  /** The shopper's WeCom userid as linked by their adviser; null: none. */
  wecomUserId: string | null;
}
export interface WecomUserLinked {
  shopperId: string;
  wecomUserId: string | null;
}
export interface ChatSent {
  message: ChatMessage;
  conversation: ConversationRow;
  replayed: boolean;
}
export interface ConversationStatusChange {
  conversation: ConversationRow;
  changed: boolean;
}
export interface AdviserRoster {
  advisers: RosterAdviser[];
}
export interface AdviserSaved {
  adviser: RosterAdviser;
}
export interface StaffAccounts {
  staff: PresentedAccount[];
}
