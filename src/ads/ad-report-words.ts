import type { Lang } from "../i18n/messages.ts";

/**
 * Every word of the console's "Ad report" view (issue 18, part B), in both languages: the shell
 * renders the section with them (workers/storefront/admin/console-ad-report.ts), the script
 * (web/client/console/ad-report-view.ts) the rest. `{name}`-style slots are filled by `format`.
 */
const en = {
  adReport: "Ad report",
  otherLanguage: "中文",
  campaign: "Campaign",
  show: "Show",
  refresh: "Refresh",
  close: "Close",
  intro:
    "Impressions and clicks from the ad events (a few seconds behind), CTR with its 95 % Wilson interval; the budget as serving counted it.",
  byCreative: "By creative",
  byPlacement: "By placement",
  loading: "Loading…",
  couldNotRead: "Could not read the report: {message}",
  impressions: "Impressions",
  clicks: "Clicks",
  ctr: "CTR",
  budgetSpent: "Budget spent",
  col_creative: "Creative",
  col_variant: "Variant",
  col_headline: "Headline",
  col_placement: "Placement",
  col_ctrInterval: "CTR (95 % interval)",
  removed: "(removed)",
  noImpressions: "No impressions yet.",
};

export type AdReportWords = typeof en;

const zh: AdReportWords = {
  adReport: "广告报告",
  otherLanguage: "English",
  campaign: "广告活动",
  show: "查看",
  refresh: "刷新",
  close: "关闭",
  intro: "展示与点击来自广告事件（延迟几秒），点击率附 95 % Wilson 置信区间；预算按投放时的计数。",
  byCreative: "按创意",
  byPlacement: "按广告位",
  loading: "读取中…",
  couldNotRead: "无法读取报告：{message}",
  impressions: "展示",
  clicks: "点击",
  ctr: "点击率",
  budgetSpent: "已用预算",
  col_creative: "创意",
  col_variant: "变体",
  col_headline: "标题",
  col_placement: "广告位",
  col_ctrInterval: "点击率（95 % 区间）",
  removed: "（已移除）",
  noImpressions: "还没有展示。",
};

export function adReportWords(lang: Lang): AdReportWords {
  return lang === "zh-CN" ? zh : en;
}
