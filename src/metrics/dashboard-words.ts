import type { Lang } from "../i18n/messages.ts";

/**
 * Every word of the live dashboard (/admin/dashboard, issue 13), in both languages: the page's
 * shell is rendered with them on the server, its script fills in the rest with the same set.
 * `{x}` is filled in by `fill`.
 */
const en = {
  title: "Live dashboard",
  brand: "⚡ Flash Sale · Live dashboard",
  otherLanguage: "中文",
  console: "Console",
  loading: "Loading…",
  updated: "Live · updated {time} · every 5 s",
  signedOut: "Sign in on the console first, then come back here.",
  openConsole: "Open the console",
  forbidden: "Your role does not read the dashboard: {message}",
  couldNotRefresh: "Could not refresh: {message}",
  state_ok: "OK",
  state_breached: "ALERT",
  state_no_data: "No data yet",
  p99Latency: "p99 latency",
  p99Latency_rule: "Must stay below 500 ms (last 5 minutes)",
  paymentSuccess: "Payment success",
  paymentSuccess_rule: "Must stay above 99.5 % (last 5 minutes)",
  couponRedemption: "Coupon redemption",
  couponRedemption_rule: "Must stay above 40 % (all coupons)",
  noCoupons: "No coupons yet",
  chartLatency: "p99 latency (seconds), every route",
  chartCheckouts: "Checkouts per second, by outcome",
  chartOrders: "Orders per second",
  chartPayments: "Payment success rate (%)",
  chartCoupons: "Coupon redemption rate (%)",
  chartStock: "Units left per SKU",
  series_p99: "p99",
  series_orders: "orders/s",
  series_payments: "success %",
  series_coupons: "redeemed %",
  series_limit: "threshold",
  time: "time",
} as const;

export type DashboardWord = keyof typeof en;

const zh: Record<DashboardWord, string> = {
  title: "实时监控",
  brand: "⚡ 闪购 · 实时监控",
  otherLanguage: "English",
  console: "后台",
  loading: "加载中…",
  updated: "实时 · 更新于 {time} · 每 5 秒刷新",
  signedOut: "请先在后台登录，再回到此页。",
  openConsole: "打开后台",
  forbidden: "你的角色无权查看监控：{message}",
  couldNotRefresh: "刷新失败：{message}",
  state_ok: "正常",
  state_breached: "告警",
  state_no_data: "暂无数据",
  p99Latency: "P99 延迟",
  p99Latency_rule: "须低于 500 毫秒（最近 5 分钟）",
  paymentSuccess: "支付成功率",
  paymentSuccess_rule: "须高于 99.5%（最近 5 分钟）",
  couponRedemption: "优惠券核销率",
  couponRedemption_rule: "须高于 40%（全部优惠券）",
  noCoupons: "暂无优惠券",
  chartLatency: "P99 延迟（秒），全部路由",
  chartCheckouts: "每秒下单尝试（按结果）",
  chartOrders: "每秒订单数",
  chartPayments: "支付成功率（%）",
  chartCoupons: "优惠券核销率（%）",
  chartStock: "各 SKU 剩余库存",
  series_p99: "P99",
  series_orders: "订单/秒",
  series_payments: "成功率 %",
  series_coupons: "核销率 %",
  series_limit: "阈值",
  time: "时间",
};

export type DashboardWords = Record<DashboardWord, string>;

export function dashboardWords(lang: Lang): DashboardWords {
  return lang === "zh-CN" ? zh : en;
}

/** A word with its `{name}` places filled. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
