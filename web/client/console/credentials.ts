/**
 * The admin token and the marketer's name for the audit log, kept in sessionStorage: gone
 * when the tab closes, never sent anywhere but /admin/api, never in a cookie (so no other
 * site's page can make the browser send it).
 */
const TOKEN = "fs-admin-token";
const ACTOR = "fs-admin-actor";

export const credentials = {
  token: (): string | null => sessionStorage.getItem(TOKEN),
  actor: (): string | null => sessionStorage.getItem(ACTOR),

  /** Remembers both; an empty name means the API's default ("admin"). */
  save(token: string, actor: string): void {
    sessionStorage.setItem(TOKEN, token);
    if (actor) sessionStorage.setItem(ACTOR, actor);
    else sessionStorage.removeItem(ACTOR);
  },

  /** Forgets the token on signing out; the name is no secret and stays for the tab. */
  forgetToken(): void {
    sessionStorage.removeItem(TOKEN);
  },
};
