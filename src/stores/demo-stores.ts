import { parseOpeningHours } from "./opening-hours-text.ts";
import type { OpeningHours, StoreInput } from "./store.ts";

/** Hours in the console's one-line form (opening-hours-text.ts), as a marketer would type them. */
function hours(text: string): OpeningHours {
  const parsed = parseOpeningHours(text);
  if (!parsed.ok) throw new Error(`demo store hours "${text}": ${parsed.problems.join("; ")}`);
  return parsed.value;
}

/**
 * The stores `npm start` seeds into local Postgres (issue 15): four in Shanghai and two in
 * Hangzhou at their real coordinates (WGS-84), so /stores has something to find from either
 * city, and a livestream something to name. One opens late, one redeems only while open.
 */
export const DEMO_STORES: StoreInput[] = [
  {
    id: "sh-jingan",
    name: "静安嘉里中心店 · Jing'an Kerry Centre",
    address: "南京西路1515号 · 1515 Nanjing Road West",
    city: "上海",
    latitude: 31.2236,
    longitude: 121.4453,
    openingHours: hours("mon-thu 10:00-22:00; fri 10:00-22:30; sat 09:30-22:30; sun 09:30-22:00"),
    redeemOnlyWhenOpen: true,
  },
  {
    id: "sh-xintiandi",
    name: "新天地店 · Xintiandi",
    address: "马当路245号 · 245 Madang Road",
    city: "上海",
    latitude: 31.2193,
    longitude: 121.4755,
    openingHours: hours("mon-thu,sun 10:00-22:00; fri,sat 10:00-23:00"),
  },
  {
    id: "sh-lujiazui",
    name: "陆家嘴正大广场店 · Lujiazui Super Brand Mall",
    address: "陆家嘴西路168号 · 168 Lujiazui West Road",
    city: "上海",
    latitude: 31.2366,
    longitude: 121.4995,
    openingHours: hours("daily 10:00-22:00"),
  },
  {
    id: "sh-xujiahui",
    name: "徐家汇店 · Xujiahui",
    address: "虹桥路1号 · 1 Hongqiao Road",
    city: "上海",
    latitude: 31.1955,
    longitude: 121.4375,
    openingHours: hours("mon-thu 11:00-21:30; fri 11:00-22:00; sat,sun 10:00-22:00"),
  },
  {
    id: "hz-hubin",
    name: "湖滨银泰店 · Hubin Intime",
    address: "东坡路7号 · 7 Dongpo Road, Shangcheng",
    city: "杭州",
    latitude: 30.2583,
    longitude: 120.1647,
    openingHours: hours("mon-fri 10:00-22:00; sat,sun 10:00-22:30"),
  },
  {
    id: "hz-binjiang",
    name: "滨江龙湖天街店 · Binjiang Longfor Paradise Walk",
    address: "江汉路1515号 · 1515 Jianghan Road, Binjiang",
    city: "杭州",
    latitude: 30.2085,
    longitude: 120.2107,
    openingHours: hours("daily 10:00-22:00"),
    redeemOnlyWhenOpen: true,
  },
];
