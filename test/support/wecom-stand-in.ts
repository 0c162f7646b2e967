/**
 * A stand-in for WeCom's (企业微信) server API (issue 17), speaking its protocol as WeCom's
 * documentation gives it, for the WeCom channel's tests (tests have no network, and the real API
 * wants a real corp): `GET /cgi-bin/gettoken?corpid&corpsecret` issues access tokens that live
 * `expires_in` seconds, and `POST /cgi-bin/message/send?access_token=` checks the token (40014
 * unknown, 42001 expired), the app (`agentid`), the message type and its fields, and answers
 * `invaliduser` for userids that are not members. It records what it received; a test can make
 * it refuse the next calls with an errcode, expire every token, or go unreachable.
 */

export interface ReceivedMessage {
  touser: string;
  msgtype: string;
  agentid: number;
  text?: { content: string };
  textcard?: { title: string; description: string; url: string; btntxt?: string };
  enable_duplicate_check?: number;
}

export class WecomStandIn {
  readonly origin: string;
  readonly corpId: string;
  readonly corpSecret: string;
  readonly agentId: number;
  /** Userids that are members of the corp; any other is `invaliduser`. Empty: everyone is. */
  readonly members = new Set<string>();
  readonly messages: ReceivedMessage[] = [];
  readonly calls: Array<{ method: string; path: string }> = [];
  tokensIssued = 0;
  /** The next message/send calls answer this errcode (each consumed once). */
  readonly sendErrors: number[] = [];
  /** The API does not answer at all. */
  down = false;
  #tokens = new Map<string, { expired: boolean }>();

  constructor(options: { origin?: string; corpId?: string; corpSecret?: string; agentId?: number } = {}) {
    this.origin = options.origin ?? `https://wecom-${crypto.randomUUID().slice(0, 8)}.stand-in.test`;
    this.corpId = options.corpId ?? `ww${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    this.corpSecret = options.corpSecret ?? `secret-${crypto.randomUUID()}`;
    this.agentId = options.agentId ?? 1_000_002;
  }

  /** Every token issued so far stops working (42001), as one past its `expires_in` does. */
  expireTokens(): void {
    for (const token of this.#tokens.values()) token.expired = true;
  }

  /** Whether a request is for this stand-in. */
  serves(url: URL): boolean {
    return url.origin === this.origin;
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    this.calls.push({ method: request.method, path: url.pathname });
    if (this.down) throw new TypeError("Network connection lost");
    if (url.pathname === "/cgi-bin/gettoken" && request.method === "GET") return this.#gettoken(url);
    if (url.pathname === "/cgi-bin/message/send" && request.method === "POST") return this.#send(url, await request.text());
    return new Response("not found", { status: 404 });
  }

  #gettoken(url: URL): Response {
    if (url.searchParams.get("corpid") !== this.corpId) return Response.json({ errcode: 40013, errmsg: "invalid corpid" });
    if (url.searchParams.get("corpsecret") !== this.corpSecret) return Response.json({ errcode: 40001, errmsg: "invalid credential" });
    this.tokensIssued += 1;
    const token = `WT_${this.tokensIssued}_${crypto.randomUUID().slice(0, 8)}`;
    this.#tokens.set(token, { expired: false });
    return Response.json({ errcode: 0, errmsg: "ok", access_token: token, expires_in: 7200 });
  }

  #send(url: URL, text: string): Response {
    const token = this.#tokens.get(url.searchParams.get("access_token") ?? "");
    if (!token) return Response.json({ errcode: 40014, errmsg: "invalid access_token" });
    if (token.expired) return Response.json({ errcode: 42001, errmsg: "access_token expired" });
    const injected = this.sendErrors.shift();
    if (injected !== undefined) return Response.json({ errcode: injected, errmsg: "refused by the stand-in" });
    let body: ReceivedMessage;
    try {
      body = JSON.parse(text) as ReceivedMessage;
    } catch {
      return Response.json({ errcode: 47001, errmsg: "data format error" });
    }
    if (body.agentid !== this.agentId) return Response.json({ errcode: 40056, errmsg: "invalid agentid" });
    if (!body.touser) return Response.json({ errcode: 40031, errmsg: "invalid user list" });
    if (body.msgtype === "text") {
      if (!body.text?.content) return Response.json({ errcode: 44004, errmsg: "empty content" });
      if (new TextEncoder().encode(body.text.content).length > 2_048)
        return Response.json({ errcode: 45002, errmsg: "content size out of limit" });
    } else if (body.msgtype === "textcard") {
      const card = body.textcard;
      if (!card?.title || !card.description || !card.url)
        return Response.json({ errcode: 41016, errmsg: "missing title, description or url" });
      if (new TextEncoder().encode(card.title).length > 128 || new TextEncoder().encode(card.description).length > 512) {
        return Response.json({ errcode: 45002, errmsg: "content size out of limit" });
      }
    } else {
      return Response.json({ errcode: 40008, errmsg: "invalid message type" });
    }
    const invalid = body.touser.split("|").filter((user) => this.members.size > 0 && !this.members.has(user));
    if (invalid.length === body.touser.split("|").length)
      return Response.json({ errcode: 81013, errmsg: "user & party & tag all invalid" });
    this.messages.push(body);
    return Response.json({ errcode: 0, errmsg: "ok", invaliduser: invalid.join("|"), msgid: `msg_${this.messages.length}` });
  }
}
