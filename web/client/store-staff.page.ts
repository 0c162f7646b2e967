import { couponWording } from "../../src/coupons/coupon-wording.ts";
import type { MessageKey } from "../../src/i18n/messages.ts";
import { ApiError } from "./shared/api.ts";
import { t } from "./shared/i18n.ts";
import { CameraScanner } from "./store-staff/camera-scanner.ts";
import {
  forgetCredentials,
  looksLikeStoreId,
  looksLikeToken,
  saveCredentials,
  savedCredentials,
  type TillCredentials,
  takeFromFragment,
} from "./store-staff/credentials.ts";
import { factsOf, refusalText } from "./store-staff/refusals.ts";
import { clearSessionRedemptions, type LoggedRedemption, logRedemption, sessionRedemptions } from "./store-staff/session-log.ts";
import { TillApi } from "./store-staff/till-api.ts";
import type { CouponPreview, Redemption } from "./store-staff/till-types.ts";
import { type TidyCode, tidyCode } from "./store-staff/typed-code.ts";

/**
 * The staff redemption page `/store` (issue 15): a till signs in with its store's staff token,
 * scans a coupon's QR code with the rear camera (or types its short code), sees what the coupon
 * gives and whether it can be redeemed here, and confirms; then the next coupon. One
 * Idempotency-Key per confirmation: a double tap, or a retry after a lost answer, redeems once.
 * Without a camera (none, refused, an insecure page) the typed code does everything.
 *
 * The page's states are on #till's `data-state` (signed-out, ready, looking, preview,
 * confirming, done), which the stylesheet and the tests read.
 */

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const root = $("till");
const message = $("message");
const scanner = new CameraScanner($<HTMLVideoElement>("till-video"));

let till: TillApi | null = null;
/** The store signed in to: a coupon already redeemed here is named by its name, not only its id. */
let here: { id: string; name: string } | null = null;
/** The coupon shown, and the Idempotency-Key its Confirm sends (made once per preview). */
let shown: { code: TidyCode; coupon: CouponPreview; key: string } | null = null;

type State = "signed-out" | "ready" | "looking" | "preview" | "confirming" | "done";

function enter(state: State): void {
  root.dataset.state = state;
  const signedIn = state !== "signed-out";
  $("till-sign-in").hidden = signedIn;
  $("till-work").hidden = !signedIn;
  $("till-store").hidden = !signedIn;
  $("till-preview").hidden = state !== "preview" && state !== "confirming";
  $("till-result").hidden = state !== "done";
  const scanning = state === "ready" || state === "looking";
  $("till-code-form").hidden = !scanning;
  $("till-camera").hidden = !scanning;
  $("till-scan").hidden = !scanning || scanner.running;
  $("till-stop-scan").hidden = !scanning || !scanner.running;
  $<HTMLButtonElement>("till-confirm").disabled = state === "confirming";
  $<HTMLButtonElement>("till-look-up").disabled = state === "looking";
  if (state !== "ready" && state !== "looking") stopCamera();
}

function say(text: string): void {
  message.textContent = text;
}

// ---- signing in ----

async function signIn(credentials: TillCredentials, remember: boolean): Promise<void> {
  say(t("till_signingIn"));
  const api = new TillApi(credentials);
  try {
    const me = await api.me();
    if (remember) saveCredentials(credentials);
    till = api;
    here = { id: me.store.id, name: me.store.name };
    $("till-store").textContent = t("till_signedIn", { store: `${me.store.name} (${me.store.id}) · ${me.label}` });
    $("till-store").dataset.storeId = me.store.id;
    say("");
    renderSession(sessionRedemptions());
    enter("ready");
  } catch (error) {
    const code = error instanceof ApiError ? error.code : "internal";
    if (code === "unauthorized" || (code as string) === "wrong_store" || code === "forbidden" || code === "not_found") {
      forgetCredentials(); // a token the server refuses is no use kept
      say(t((code as string) === "wrong_store" || code === "forbidden" ? "till_refused_wrong_store" : "till_refused_unauthorized"));
    } else {
      say(error instanceof ApiError ? refusalText(factsOf(error)) : t("error_internal"));
    }
    $<HTMLInputElement>("till-store-id").value = credentials.storeId;
    enter("signed-out");
  }
}

function signOut(): void {
  forgetCredentials();
  clearSessionRedemptions();
  till = null;
  here = null;
  shown = null;
  $<HTMLInputElement>("till-token").value = "";
  renderSession([]);
  say("");
  enter("signed-out");
}

$("till-sign-in").addEventListener("submit", (event) => {
  event.preventDefault();
  const storeId = $<HTMLInputElement>("till-store-id").value.trim().toLowerCase();
  const token = $<HTMLInputElement>("till-token").value.trim();
  if (!looksLikeStoreId(storeId) || !looksLikeToken(token)) {
    say(t("till_refused_unauthorized"));
    return;
  }
  void signIn({ storeId, token }, true);
});
$("till-sign-out").addEventListener("click", signOut);

// ---- scanning and typing ----

function stopCamera(): void {
  if (scanner.running) scanner.stop();
  $("till-camera-status").textContent = "";
}

async function startCamera(): Promise<void> {
  $("till-camera-status").textContent = t("till_cameraStarting");
  const trouble = await scanner.start(
    (text) => {
      if (!tidyCode(text)) {
        // Some other QR code (a poster's link, a payment code): say so, and keep looking.
        $("till-camera-status").textContent = t("till_badCode");
        return false;
      }
      // After the scanner has let the camera go (it does as this returns true).
      queueMicrotask(() => void lookUp(text));
      return true;
    },
    (way) => {
      $("till-camera-status").textContent = t("till_scanning");
      root.dataset.decoder = way;
    },
  );
  if (trouble) {
    $("till-camera-status").textContent = t(`till_camera_${trouble}` satisfies MessageKey);
    root.dataset.camera = trouble;
    $<HTMLInputElement>("till-code").focus();
  }
  enter(root.dataset.state as State);
}

$("till-scan").addEventListener("click", () => void startCamera());
$("till-stop-scan").addEventListener("click", () => {
  stopCamera();
  enter("ready");
});
$("till-code-form").addEventListener("submit", (event) => {
  event.preventDefault();
  void lookUp($<HTMLInputElement>("till-code").value);
});

async function lookUp(input: string): Promise<void> {
  if (!till) return;
  const code = tidyCode(input);
  if (!code) {
    say(t("till_badCode"));
    return;
  }
  say(t("till_lookingUp", { code: code.display }));
  enter("looking");
  try {
    const coupon = await till.lookUp(code.code);
    shown = { code, coupon, key: crypto.randomUUID() };
    say("");
    showPreview(code, coupon);
    enter("preview");
  } catch (error) {
    say(refusalText(factsOf(error)));
    enter("ready");
  }
}

// ---- the preview and the confirmation ----

function gives(coupon: Pick<CouponPreview, "type" | "amountOff" | "percentOff" | "maxDiscount" | "minSpend">): string {
  const { headline, cap } = couponWording(coupon);
  return cap ? `${t(headline.key, headline.values)} · ${t(cap.key, cap.values)}` : t(headline.key, headline.values);
}

function showPreview(code: TidyCode, coupon: CouponPreview): void {
  $("till-preview-code").textContent = code.display;
  $("till-preview-title").textContent = coupon.title;
  $("till-preview-gives").textContent = gives(coupon);
  $("till-preview-description").textContent = coupon.description;
  $("till-preview-shopper").textContent = t("till_shopper", { hint: coupon.shopperHint });
  const preview = $("till-preview");
  preview.dataset.status = coupon.status;
  preview.dataset.redeemable = String(coupon.redeemable);
  const refusal = $("till-refusal");
  refusal.hidden = coupon.redeemable;
  refusal.dataset.code = coupon.refusal?.code ?? "";
  refusal.textContent = coupon.redeemable
    ? ""
    : refusalText({
        code: coupon.refusal?.code ?? "coupon_used",
        message: coupon.refusal?.message,
        redeemedAt: coupon.redeemedAt,
        storeId: coupon.redeemedStoreId,
        storeName: coupon.redeemedStoreId !== null && coupon.redeemedStoreId === here?.id ? here.name : null,
      });
  $("till-ok").hidden = !coupon.redeemable;
  $("till-confirm").hidden = !coupon.redeemable;
}

async function confirm(): Promise<void> {
  // The button is disabled while a confirmation is out; a second tap before that lands here with the same key.
  if (!till || !shown || root.dataset.state === "confirming") return;
  const { code, key } = shown;
  enter("confirming");
  say(t("till_confirming"));
  try {
    const { redemption, replayed } = await till.redeem(code.code, key);
    say("");
    showResult(redemption, replayed, code);
  } catch (error) {
    const facts = factsOf(error);
    if (facts.code === "network") {
      // The answer was lost, not necessarily the redemption: Confirm again sends the same key, and redeems at most once.
      say(t("error_network"));
      enter("preview");
      return;
    }
    const refusal = $("till-refusal");
    refusal.textContent = refusalText(facts);
    refusal.dataset.code = facts.code;
    refusal.hidden = false;
    $("till-ok").hidden = true;
    $("till-confirm").hidden = true;
    say("");
    enter("preview");
  }
}

function showResult(redemption: Redemption, replayed: boolean, code: TidyCode): void {
  const what = shown?.coupon ?? null;
  const line = $("till-result-line");
  line.textContent = `${t(replayed ? "till_redeemedReplay" : "till_redeemed")} ${redemption.title}${what ? ` · ${gives(what)}` : ""}`;
  line.dataset.couponId = redemption.couponId;
  renderSession(logRedemption(redemption, code.display));
  shown = null;
  enter("done");
}

$("till-confirm").addEventListener("click", () => void confirm());
$("till-cancel").addEventListener("click", () => {
  shown = null;
  say("");
  enter("ready");
});
$("till-next").addEventListener("click", () => {
  $<HTMLInputElement>("till-code").value = "";
  enter("ready");
  void startCamera();
});

// ---- this session's redemptions ----

function renderSession(list: readonly LoggedRedemption[]): void {
  const time = new Intl.DateTimeFormat(document.documentElement.lang || "en", { timeStyle: "short" });
  $("till-session").replaceChildren(
    ...list.map((entry) => {
      const li = document.createElement("li");
      li.dataset.couponId = entry.couponId;
      const at = document.createElement("time");
      at.dateTime = new Date(entry.redeemedAt).toISOString();
      at.textContent = time.format(entry.redeemedAt);
      li.append(at, ` ${entry.title} · ${entry.code}`);
      return li;
    }),
  );
  $("till-session-empty").hidden = list.length > 0;
}

// ---- start ----

const fromFragment = takeFromFragment();
const saved = savedCredentials();
if (fromFragment) {
  const storeId = fromFragment.storeId ?? saved?.storeId ?? null;
  $<HTMLInputElement>("till-token").value = fromFragment.token;
  if (storeId) void signIn({ storeId, token: fromFragment.token }, true);
  else {
    enter("signed-out");
    $<HTMLInputElement>("till-store-id").focus();
  }
} else if (saved) {
  void signIn(saved, false);
} else {
  enter("signed-out");
}
