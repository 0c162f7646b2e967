import type { Lang } from "../i18n/messages.ts";

/**
 * Every word of the console's Store coupons view (issue 15), in both languages, as the
 * Propagation view has its own: the console's shell renders the section with them
 * (workers/storefront/admin/console-store-coupons.ts), its script
 * (web/client/console/store-coupons-view.ts) fills in the rest with the same set. `{x}` is
 * filled in by src/i18n/messages.ts `format`. No zod here: the console's script imports it.
 */
const en = {
  storeCoupons: "Store coupons",
  otherLanguage: "中文",
  refresh: "Refresh",
  close: "Close",
  period: "Period",
  period_24h: "Last 24 hours, by hour",
  period_7d: "Last 7 days, by day",
  period_30d: "Last 30 days, by day",
  focus: "Show",
  focus_all: "All livestreams and stores",
  focus_livestream: "Livestream {name}",
  focus_store: "Store {name}",
  loading: "Loading…",
  couldNotRead: "Could not read the store-coupon figures: {message}",
  empty: "No livestream coupon was claimed or redeemed in this period.",
  fig_claimed: "Claimed",
  fig_redeemed: "Redeemed in store",
  fig_rate: "Redemption rate",
  fig_rate_hint: "redeemed ÷ claimed",
  overTime: "Redemptions over time ({zone})",
  perLivestream: "Per livestream",
  perStore: "Per store",
  col_livestream: "Livestream",
  col_store: "Store",
  col_claimed: "Claimed",
  col_redeemed: "Redeemed",
  col_rate: "Rate",
  storeClaimedNote:
    "A store's claimed are the coupons of the livestreams that list it: a coupon valid in three stores counts in each, so stores' claimed do not add up.",
  seriesRedeemed: "Redeemed",
  time: "Time",
};

export type StoreCouponWords = typeof en;

const zh: StoreCouponWords = {
  storeCoupons: "门店券",
  otherLanguage: "English",
  refresh: "刷新",
  close: "关闭",
  period: "时间范围",
  period_24h: "最近 24 小时（按小时）",
  period_7d: "最近 7 天（按天）",
  period_30d: "最近 30 天（按天）",
  focus: "查看",
  focus_all: "全部直播与门店",
  focus_livestream: "直播 {name}",
  focus_store: "门店 {name}",
  loading: "加载中…",
  couldNotRead: "无法读取门店券数据：{message}",
  empty: "此时间范围内没有直播券被领取或核销。",
  fig_claimed: "领取",
  fig_redeemed: "到店核销",
  fig_rate: "核销率",
  fig_rate_hint: "核销 ÷ 领取",
  overTime: "核销趋势（{zone}）",
  perLivestream: "按直播",
  perStore: "按门店",
  col_livestream: "直播",
  col_store: "门店",
  col_claimed: "领取",
  col_redeemed: "核销",
  col_rate: "核销率",
  storeClaimedNote: "门店的领取数为列出该门店的直播所发放的券：一张券若可在三家门店使用，则三家各计一次，故各门店领取数之和不等于总数。",
  seriesRedeemed: "核销",
  time: "时间",
};

export function storeCouponWords(lang: Lang): StoreCouponWords {
  return lang === "zh-CN" ? zh : en;
}
