import { loadUnread } from "./shared/inbox-badge.ts";

/** The unread badge in every page's header (issue 17; shared/inbox-badge.ts). */
void loadUnread();
