import { ApiError, api } from "./api.ts";
import { t } from "./i18n.ts";

/**
 * "Offers near me" (issue 15): an opt-in on the page, off until the shopper turns it on. On:
 * the browser is asked for location permission (only then), and while the page is open and
 * visible it sends coarse location pings; the answer's nearby stores are listed and a pushed
 * offer is shown in the page as a banner. When the shop has Web Push configured, turning it on
 * also registers the service worker (/sw.js) and subscribes this browser, so an offer reaches
 * the shopper as a notification while the page is in the background. Off: no watch, no pings,
 * and the push subscription is removed.
 *
 * Coarse: positions are rounded to 3 decimals (0.001° is 111 m of latitude, less of
 * longitude), well inside the fence's 100 m between entering (500 m) and leaving (600 m), and
 * a ping is sent at most every PING_EVERY_MS, the latest position winning.
 */
export const PING_EVERY_MS = 15_000;
const REMEMBER = "near-me";

interface NearbyStore {
  store: { id: string; name: string; address: string };
  distanceMeters: number;
  coupons: Array<{
    templateId: string;
    title: string;
    description: string;
    livestreamId: string | null;
    couponId: string | null;
    url: string;
  }>;
}
interface PingAnswer {
  nearby: NearbyStore[];
  pushed: NearbyStore[];
}

/** Degrees rounded to 3 decimals: ~100 m, all a 500 m fence needs to know. */
export const coarse = (degrees: number) => Math.round(degrees * 1000) / 1000;

function element(tag: string, className: string, ...children: Array<Node | string>): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

export function mountNearMe(root: HTMLElement): void {
  const toggle = document.createElement("input");
  toggle.type = "checkbox";
  toggle.id = "near-me-toggle";
  const status = element("p", "");
  status.id = "near-me-status";
  status.setAttribute("role", "status");
  const push = element("p", "meta");
  push.id = "near-me-push";
  const list = element("ul", "near-me-stores");
  list.id = "near-me-stores";
  const offers = element("div", "near-me-offers");
  offers.id = "near-me-offers";
  offers.setAttribute("aria-live", "polite");
  root.classList.add("card", "near-me");
  const title = element("h2", "", t("nearMe_title"));
  title.id = "near-me-title";
  root.replaceChildren(
    title,
    element("p", "meta", t("nearMe_explain")),
    element("label", "near-me-toggle", toggle, " ", t("nearMe_toggle")),
    status,
    push,
    list,
    offers,
  );
  root.setAttribute("aria-labelledby", "near-me-title");

  let watch: number | null = null;
  let lastSent = 0;
  let pending: GeolocationPosition | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = async (position: GeolocationPosition) => {
    lastSent = Date.now();
    try {
      const answer = await api<PingAnswer>("/api/geo/pings", {
        method: "POST",
        body: {
          latitude: coarse(position.coords.latitude),
          longitude: coarse(position.coords.longitude),
          accuracy: Math.round(position.coords.accuracy),
        },
      });
      showNearby(answer.nearby);
      for (const offer of answer.pushed) showOffer(offer);
    } catch (error) {
      status.textContent = error instanceof ApiError ? error.message : t("error_network");
    }
  };

  // At most one ping per PING_EVERY_MS; the latest position in between is sent at the end of the wait.
  const onPosition = (position: GeolocationPosition) => {
    const wait = lastSent + PING_EVERY_MS - Date.now();
    if (wait <= 0) return void send(position);
    pending = position;
    timer ??= setTimeout(() => {
      timer = undefined;
      if (pending && watch !== null) void send(pending);
      pending = null;
    }, wait);
  };

  const onError = (error: GeolocationPositionError) => {
    status.textContent = error.code === error.PERMISSION_DENIED ? t("nearMe_denied") : t("nearMe_unavailable");
    if (error.code === error.PERMISSION_DENIED) turnOff();
  };

  const startWatching = () => {
    if (watch !== null || document.visibilityState === "hidden") return;
    if (!("geolocation" in navigator)) {
      status.textContent = t("nearMe_unavailable");
      return;
    }
    status.textContent = t("nearMe_looking");
    watch = navigator.geolocation.watchPosition(onPosition, onError, { enableHighAccuracy: false, maximumAge: 60_000, timeout: 60_000 });
  };

  const stopWatching = () => {
    if (watch !== null) navigator.geolocation.clearWatch(watch);
    watch = null;
    clearTimeout(timer);
    timer = undefined;
    pending = null;
  };

  function turnOff(): void {
    toggle.checked = false;
    localStorage.removeItem(REMEMBER);
    stopWatching();
    list.replaceChildren();
    push.textContent = "";
    root.dataset.state = "off";
    void unsubscribePush();
  }

  const turnOn = () => {
    toggle.checked = true;
    localStorage.setItem(REMEMBER, "on");
    root.dataset.state = "on";
    startWatching();
    void subscribePush().then((on) => {
      push.textContent = on ? t("nearMe_pushOn") : t("nearMe_pushOff");
      root.dataset.push = on ? "on" : "off";
    });
  };

  const showNearby = (nearby: NearbyStore[]) => {
    status.textContent = nearby.length === 0 ? t("nearMe_none") : "";
    list.replaceChildren(
      ...nearby.map((n) => {
        const li = element("li", "", t("nearMe_nearby", { store: n.store.name, m: n.distanceMeters }));
        li.dataset.store = n.store.id;
        return li;
      }),
    );
  };

  const showOffer = (offer: NearbyStore) => {
    const first = offer.coupons[0];
    const href = first ? first.url : `/stores#${encodeURIComponent(offer.store.id)}`;
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "secondary";
    dismiss.textContent = t("nearMe_dismiss");
    const link = document.createElement("a");
    link.className = "button";
    link.href = href;
    link.textContent = t("nearMe_open");
    const banner = element(
      "div",
      "near-me-offer",
      element("strong", "", t("nearMe_offerTitle", { store: offer.store.name })),
      element("p", "", first ? first.title : t("nearMe_storeOnly", { address: offer.store.address })),
      link,
      " ",
      dismiss,
    );
    banner.dataset.store = offer.store.id;
    banner.setAttribute("role", "alert");
    dismiss.addEventListener("click", () => banner.remove());
    offers.prepend(banner);
  };

  toggle.addEventListener("change", () => (toggle.checked ? turnOn() : turnOff()));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") stopWatching();
    else if (toggle.checked) startWatching();
  });

  root.dataset.state = "off";
  // On before, and the permission still granted: carry on without asking again. Otherwise wait for the toggle.
  if (localStorage.getItem(REMEMBER) === "on") {
    void navigator.permissions
      ?.query({ name: "geolocation" })
      .then((permission) => (permission.state === "granted" ? turnOn() : localStorage.removeItem(REMEMBER)))
      .catch(() => undefined);
  }
}

/** Registers the service worker and subscribes to push; false when the shop or the browser has no push, or it was refused. */
async function subscribePush(): Promise<boolean> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return false;
  try {
    const { publicKey } = await api<{ publicKey: string }>("/api/push/vapid-public-key");
    if ((await Notification.requestPermission()) !== "granted") return false;
    const registration = await navigator.serviceWorker.register("/sw.js");
    await navigator.serviceWorker.ready;
    const key = Uint8Array.from(atob(publicKey.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    let subscription = await registration.pushManager.getSubscription();
    // A subscription made with another key (the shop rotated its VAPID keys) can no longer be pushed to.
    const oldKey = subscription?.options.applicationServerKey;
    if (subscription && (!oldKey || !sameBytes(new Uint8Array(oldKey), key))) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    await api("/api/push/subscriptions", { method: "POST", body: subscription.toJSON() });
    return true;
  } catch {
    // push_not_configured, a browser without a reachable push service, a refusal: the page still shows offers itself.
    return false;
  }
}

async function unsubscribePush(): Promise<void> {
  try {
    const registration = await navigator.serviceWorker?.getRegistration("/");
    const subscription = await registration?.pushManager.getSubscription();
    if (!subscription) return;
    await api("/api/push/subscriptions", { method: "DELETE", body: { endpoint: subscription.endpoint } });
    await subscription.unsubscribe();
  } catch {
    // Nothing to undo, or the network is down: the subscription's next push fails and is counted.
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Mounts the opt-in in `#near-me` when the page has one (the profile page, the store finder). */
export function mountNearMeIfPresent(): void {
  const root = document.getElementById("near-me");
  if (root) mountNearMe(root);
}
