import { describe, expect, it } from "vitest";
import { redactSecrets, redactUrl } from "../../src/redact.ts";

describe("redactUrl", () => {
  it("masks the user and password of a connection string, keeping host, port, database and options", () => {
    expect(redactUrl("postgres://neondb_owner:npg_s3cret@ep-cool-1.eu-central-1.aws.neon.tech:5432/neondb?sslmode=require")).toBe(
      "postgres://***@ep-cool-1.eu-central-1.aws.neon.tech:5432/neondb?sslmode=require",
    );
  });

  it("leaves a URL without credentials alone", () => {
    expect(redactUrl("postgres://127.0.0.1:5432/postgres")).toBe("postgres://127.0.0.1:5432/postgres");
    expect(redactUrl("http://127.0.0.1:8787/")).toBe("http://127.0.0.1:8787/");
  });

  it("masks a user name standing alone, as tokens often do", () => {
    expect(redactUrl("https://ghp_token123@github.com/o/r.git")).toBe("https://***@github.com/o/r.git");
    expect(redactUrl("postgres://alice@db.internal/app")).toBe("postgres://***@db.internal/app");
  });

  it("masks a password holding an unencoded @, as URL parsers read it, and one percent-encoded", () => {
    expect(redactUrl("postgres://user:p@ss@word@db.example:5432/app")).toBe("postgres://***@db.example:5432/app");
    expect(redactUrl("postgres://user:p%40ss%25w0rd@db.example/app")).toBe("postgres://***@db.example/app");
    expect(redactUrl("postgres://user:100%pure@db.example/app")).toBe("postgres://***@db.example/app");
  });

  it("masks a password no URL parser accepts (an unencoded / or space) rather than give up", () => {
    expect(redactUrl("postgres://user:pa/ss@db.example/app")).toBe("postgres://***@db.example/app");
    expect(redactUrl("postgres://user:pa ss@db.example/app")).toBe("postgres://***@db.example/app");
  });

  it("fails closed: an @ further on (in a path) is taken for the end of the credentials", () => {
    expect(redactUrl("https://medium.example/@someone/post")).toBe("https://***@someone/post");
  });

  it("masks Redis URLs, Upstash's token-as-password included", () => {
    expect(redactUrl("redis://:foobared@127.0.0.1:6379/0")).toBe("redis://***@127.0.0.1:6379/0");
    expect(redactUrl("rediss://default:AXXXAAIjcDE@eu1-sharp-cat-12345.upstash.io:6379")).toBe(
      "rediss://***@eu1-sharp-cat-12345.upstash.io:6379",
    );
  });

  it("masks secret query parameters and keeps the others", () => {
    expect(redactUrl("https://gw.example/get/k?_token=abc123&x=1")).toBe("https://gw.example/get/k?_token=***&x=1");
    expect(redactUrl("postgres://db.example/app?sslmode=require&password=hunter2")).toBe(
      "postgres://db.example/app?sslmode=require&password=***",
    );
    expect(redactUrl("https://api.example/v1?access_token=t0k&api_key=k3y&client_secret=s#frag")).toBe(
      "https://api.example/v1?access_token=***&api_key=***&client_secret=***#frag",
    );
  });
});

describe("redactSecrets", () => {
  it("masks a Postgres URL inside an error message and leaves the rest of the message", () => {
    expect(redactSecrets("connect ECONNREFUSED for postgresql://app:s3cret@10.0.0.5:5432/shop (attempt 3)")).toBe(
      "connect ECONNREFUSED for postgresql://***@10.0.0.5:5432/shop (attempt 3)",
    );
  });

  it("masks every URL of a message, each up to its own end", () => {
    const text = 'from "postgres://a:pw1@h1/db" to <redis://:pw2@h2:6379> at user@example.com';
    const redacted = redactSecrets(text);
    expect(redacted).toBe('from "postgres://***@h1/db" to <redis://***@h2:6379> at user@example.com');
  });

  it("masks the password of a libpq keyword string and quoted values", () => {
    expect(redactSecrets("host=db.example port=5432 user=app password=s3cret dbname=shop")).toBe(
      "host=db.example port=5432 user=app password=*** dbname=shop",
    );
    expect(redactSecrets("host=db password='with space' dbname=shop")).toBe("host=db password=*** dbname=shop");
  });

  it("masks token= and password= parameters in text, and bearer tokens", () => {
    expect(redactSecrets("GET /get/k?_token=abc&x=1 failed; retry with token=def")).toBe(
      "GET /get/k?_token=***&x=1 failed; retry with token=***",
    );
    expect(redactSecrets("Authorization: Bearer eyJhbGciOi.J9.x-y_z=")).toBe("Authorization: Bearer ***");
  });

  it("changes nothing in text without secrets, and is idempotent", () => {
    const plain = "23514 (orders_total_nonnegative) new row violates check constraint; see https://www.postgresql.org/docs/";
    expect(redactSecrets(plain)).toBe(plain);
    const once = redactSecrets("postgres://u:p@h/db?password=x token=y");
    expect(redactSecrets(once)).toBe(once);
  });
});
