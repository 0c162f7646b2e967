import { describe, expect, it } from "vitest";
import { deviceClass } from "../../src/events/device-class.ts";

/** User-Agent strings as browsers send them, and the class each must get. */
const FIXTURES: Array<[string, string | null, string]> = [
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    null,
    "phone",
  ],
  ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", null, "phone"],
  [
    "Mozilla/5.0 (Linux; Android 13; V2227A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.101 Mobile Safari/537.36 MicroMessenger/8.0.47",
    null,
    "phone",
  ],
  [
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    null,
    "tablet",
  ],
  ["Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", null, "tablet"],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", null, "desktop"],
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", null, "desktop"],
  ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", null, "bot"],
  ["Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", null, "bot"],
  // The hint wins: Chrome's reduced User-Agent on Android may read like a desktop's.
  ["Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", "?1", "phone"],
  ["curl/8.5.0", null, "unknown"],
  ["", null, "unknown"],
];

describe("a request's device class", () => {
  it.each(FIXTURES)("%s (Sec-CH-UA-Mobile %s) is %s", (userAgent, hint, expected) => {
    expect(deviceClass(userAgent, hint)).toBe(expected);
  });
});
