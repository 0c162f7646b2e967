import { noStore } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { shopperProfileSchema } from "./profile-schema.ts";
import { sessionLimit } from "./rate-limit.ts";
import { readProfile } from "./read-profile.ts";
import { session } from "./session.ts";

const myProfile = contractRoute({
  method: "get",
  path: "/me/profile",
  tags: ["profile"],
  summary: "The shopper's own profile: the last 30 minutes of product views and lifetime facts",
  description:
    "The window (Upstash Redis): products viewed in the last 30 minutes, each once at its latest view, how many distinct, and the latest category; a view leaves it exactly 30 minutes after it happened. It is filled by the events consumer within seconds of the page's beacon, and is `null` when Redis cannot be read (the lifetime facts are still answered). The lifetime facts (Postgres): first seen, paid orders, spend and favourite categories. Without Postgres, 503.",
  middleware: [sessionLimit, session],
  responses: {
    200: {
      description: "the profile",
      headers: noStore("a shopper's own data, and a window that changes by the minute"),
      content: { "application/json": { schema: shopperProfileSchema } },
    },
  },
  errors: ["dependency_unavailable"],
});

/** The shopper's profile (issue 13). */
export const profile = contractApp().openapi(myProfile, async (c) => {
  const answer = await readProfile(c.env, c.get("shopperId"), Date.now());
  c.header("Cache-Control", "no-store");
  return c.json(answer, 200);
});
