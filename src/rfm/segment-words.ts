import type { Lang } from "../i18n/messages.ts";
import type { Segment } from "./segment-names.ts";

/**
 * Every word of the console's Segments view (issue 17), in both languages: the shell renders
 * the section with them (workers/storefront/admin/console-segments.ts), the script
 * (web/client/console/segments-view.ts) the rest. The segment names are the usual RFM ones.
 */
const en = {
  segments: "Segments",
  otherLanguage: "中文",
  runNow: "Run now",
  running: "Running…",
  refresh: "Refresh",
  close: "Close",
  loading: "Loading…",
  couldNotRead: "Could not read: {message}",
  ranLine: "Recomputed: {shoppers} shoppers, {triggers} entered a segment.",
  noRun: "No run yet: nobody has a segment. Run now, or wait for the schedule.",
  lastRun:
    "Last run {when} ({trigger}, {actor}): {shoppers} shoppers in {seconds} s. Every {hours} h; frequency and money over {days} days.",
  trigger_schedule: "schedule",
  trigger_manual: "by hand",
  col_segment: "Segment",
  col_shoppers: "Shoppers",
  col_change: "Since the run before",
  col_export: "Export",
  col_from: "From",
  col_to: "To",
  exportCsv: "CSV",
  movement: "Movement since the run before",
  noMovement: "Nobody changed segment.",
  firstScored: "(first scored)",
  lookup: "A shopper's scores",
  lookupId: "Shopper id",
  lookupGo: "Look up",
  scoresLine:
    "{segment}: R {r} · F {f} · M {m} — last paid {days} days ago; in the window: orders {frequency}, paid {money} (before: {previous})",
  gridTitle: "The score map (R × FM, FM = mean of F and M rounded up)",
  none: "none",
  audience: "Who may claim it: shoppers in these RFM segments (none ticked: everyone)",
};

export type SegmentWords = typeof en & { segment: Record<Segment, string> };

const segmentNamesEn: Record<Segment, string> = {
  champions: "Champions",
  loyal: "Loyal",
  potential_loyalists: "Potential loyalists",
  new: "New",
  promising: "Promising",
  need_attention: "Need attention",
  about_to_sleep: "About to sleep",
  at_risk: "At risk",
  cant_lose: "Can't lose them",
  hibernating: "Hibernating",
  lost: "Lost",
};

const zh: typeof en = {
  segments: "客户分群",
  otherLanguage: "English",
  runNow: "立即计算",
  running: "计算中…",
  refresh: "刷新",
  close: "关闭",
  loading: "加载中…",
  couldNotRead: "无法读取：{message}",
  ranLine: "已重新计算：{shoppers} 位顾客，{triggers} 位进入新分群。",
  noRun: "尚未计算：还没有顾客分群。可立即计算，或等待定时任务。",
  lastRun:
    "上次计算 {when}（{trigger}，{actor}）：{shoppers} 位顾客，用时 {seconds} 秒。每 {hours} 小时一次；频次与金额按最近 {days} 天计。",
  trigger_schedule: "定时",
  trigger_manual: "手动",
  col_segment: "分群",
  col_shoppers: "顾客数",
  col_change: "较上次",
  col_export: "导出",
  col_from: "原分群",
  col_to: "新分群",
  exportCsv: "CSV",
  movement: "较上次计算的流动",
  noMovement: "没有顾客变更分群。",
  firstScored: "（首次计算）",
  lookup: "查询顾客评分",
  lookupId: "顾客 ID",
  lookupGo: "查询",
  scoresLine: "{segment}：R {r} · F {f} · M {m} — 最近一次付款在 {days} 天前，窗口内 {frequency} 笔订单，{money}（之前：{previous}）",
  gridTitle: "评分矩阵（R × FM，FM 为 F 与 M 的平均值向上取整）",
  none: "无",
  audience: "可领取人群：以下 RFM 分群的顾客（不勾选：所有人）",
};

const segmentNamesZh: Record<Segment, string> = {
  champions: "重要价值客户",
  loyal: "忠诚客户",
  potential_loyalists: "潜力客户",
  new: "新客户",
  promising: "有望客户",
  need_attention: "需要关注",
  about_to_sleep: "即将沉睡",
  at_risk: "流失风险",
  cant_lose: "不能失去",
  hibernating: "沉睡客户",
  lost: "已流失",
};

export function segmentWords(lang: Lang): SegmentWords {
  return lang === "zh-CN" ? { ...zh, segment: segmentNamesZh } : { ...en, segment: segmentNamesEn };
}
