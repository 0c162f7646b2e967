import { api, ApiError } from "./shared/api.ts";
import { lang, t } from "./shared/i18n.ts";
import { mountNearMeIfPresent } from "./shared/near-me.ts";

/**
 * The store finder (`/stores`, issue 15). "Use my location" asks the browser for the shopper's
 * position once (no watching: a list does not need it) and lists the stores nearest first;
 * when the browser already allows it, the page does so at once. Refused, unavailable or timed
 * out: the city picker, which lists a city's stores by name. Each store shows its distance,
 * whether it is open now and its hours today (in its own time zone, as the API says), and a
 * map link: Amap for Chinese, OpenStreetMap for English, both with the store's WGS-84 point.
 */

interface FoundStore {
  store: { id: string; name: string; address: string; city: string; latitude: number; longitude: number; timeZone: string };
  distanceMeters: number | null;
  openNow: boolean;
  todayHours: string[];
  nextOpening: number | null;
}

interface Finder {
  stores: FoundStore[];
  cities: Array<{ city: string; stores: number }>;
}

const LOCATION_TIMEOUT_MS = 10_000;
const $ = (id: string) => document.getElementById(id);
const status = $("stores-status")!;
const list = $("store-list")!;
const message = $("message")!;
const picker = $("city-picker") as HTMLSelectElement;
const locate = $("use-location") as HTMLButtonElement;

function distance(meters: number): string {
  if (meters < 1000) return t("storesMeters", { n: meters });
  const digits = meters < 10_000 ? 1 : 0;
  return t("storesKilometers", {
    n: (meters / 1000).toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  });
}

function mapLink(store: FoundStore["store"]): string {
  const { latitude, longitude, name } = store;
  if (lang === "zh-CN") {
    return `https://uri.amap.com/marker?position=${longitude},${latitude}&name=${encodeURIComponent(name)}&coordinate=wgs84&callnative=1`;
  }
  return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}`;
}

function opensAt(found: FoundStore): string {
  if (found.nextOpening === null) return "";
  const time = new Intl.DateTimeFormat(lang, {
    timeZone: found.store.timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(found.nextOpening);
  return ` · ${t("storesOpensAt", { time })}`;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ""): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function render(finder: Finder, heading: string): void {
  status.textContent = finder.stores.length === 0 ? t("storesNone") : heading;
  list.replaceChildren(
    ...finder.stores.map((found) => {
      const item = document.createElement("li");
      item.dataset.storeId = found.store.id;
      const head = element("div", "store-head");
      head.append(element("h2", "name", found.store.name));
      if (found.distanceMeters !== null) head.append(element("span", "distance", distance(found.distanceMeters)));
      const hours = element("p", "hours");
      const state = element("span", found.openNow ? "open-now" : "closed-now", found.openNow ? t("storesOpenNow") : t("storesClosedNow"));
      const today = found.todayHours.length > 0 ? t("storesToday", { hours: found.todayHours.join(", ") }) : t("storesClosedToday");
      hours.append(state, ` · ${today}${found.openNow ? "" : opensAt(found)}`);
      const map = element("a", "map", t("storesMap"));
      map.href = mapLink(found.store);
      map.target = "_blank";
      map.rel = "noopener noreferrer";
      item.append(head, element("p", "address", `${found.store.city} · ${found.store.address}`), hours, map);
      return item;
    }),
  );
}

function fillCities(cities: Finder["cities"]): void {
  const chosen = picker.value;
  picker.replaceChildren(picker.options[0]!, ...cities.map(({ city }) => new Option(city, city, false, city === chosen)));
}

async function show(query: string, heading: string): Promise<void> {
  message.textContent = "";
  try {
    const finder = await api<Finder>(`/api/stores${query}`);
    fillCities(finder.cities);
    render(finder, heading);
  } catch (error) {
    status.textContent = "";
    message.textContent = error instanceof ApiError ? error.message : t("error_internal");
  }
}

function byCity(): Promise<void> {
  const city = picker.value;
  return city === "" ? show("", t("storesAllCities")) : show(`?city=${encodeURIComponent(city)}`, t("storesInCity", { city }));
}

/** The shopper's position, then the nearest stores; refused or unavailable: the city picker. */
function nearest(): void {
  status.textContent = t("storesLocating");
  navigator.geolocation.getCurrentPosition(
    ({ coords }) => {
      const query = `?latitude=${coords.latitude.toFixed(6)}&longitude=${coords.longitude.toFixed(6)}`;
      void show(query, t("storesNearest"));
    },
    (error) => {
      status.textContent = error.code === error.PERMISSION_DENIED ? t("storesLocationRefused") : t("storesLocationUnavailable");
      picker.focus();
    },
    { enableHighAccuracy: false, timeout: LOCATION_TIMEOUT_MS, maximumAge: 60_000 },
  );
}

async function start(): Promise<void> {
  picker.addEventListener("change", () => void byCity());
  if (!("geolocation" in navigator)) {
    await show("", t("storesAllCities"));
    status.textContent = t("storesLocationUnavailable");
    return;
  }
  locate.hidden = false;
  locate.addEventListener("click", nearest);
  // Already allowed (a returning shopper): the nearest stores at once, without a prompt.
  const permission = await navigator.permissions?.query({ name: "geolocation" }).catch(() => null);
  if (permission?.state === "granted") nearest();
  else await show("", t("storesAllCities"));
}

void start();
// "Offers near me" (issue 15): the opt-in in the section at the top of the page.
mountNearMeIfPresent();
