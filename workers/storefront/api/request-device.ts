import type { Context } from "hono";
import type { DeviceClass } from "../../../src/events/event.ts";
import { deviceClass } from "../../../src/events/device-class.ts";

/** The device class of a request: its `Sec-CH-UA-Mobile` hint, else its User-Agent (src/events/device-class.ts). */
export function requestDevice(c: Context): DeviceClass {
  return deviceClass(c.req.header("User-Agent"), c.req.header("Sec-CH-UA-Mobile"));
}
