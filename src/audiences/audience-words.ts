import type { Lang } from "../i18n/messages.ts";

/**
 * Every word of the console's Audiences view (issue 18), in both languages: the shell renders
 * the section with them (workers/storefront/admin/console-audiences.ts), the script
 * (web/client/console/audiences-view.ts) the rest.
 */
const en = {
  audiences: "Audiences",
  otherLanguage: "中文",
  refresh: "Refresh",
  close: "Close",
  create: "Create lookalike",
  name: "Name",
  seedKind: "Seed",
  kind_segment: "RFM segment",
  kind_sku: "Buyers of a SKU",
  kind_list: "Uploaded list of shopper ids",
  segment: "Segment",
  sku: "SKU",
  list: "Shopper ids (CSV: one a line, or a JSON array)",
  percent: "Size, % of the pool (1–10)",
  intro: "A lookalike audience is the shoppers most like a seed of at least 100, for an ad platform. Seeds are never in it.",
  couldNotRead: "Could not read: {message}",
  refused: "Refused: {message}",
  queued: "Queued {name}: the lookalike job builds it now.",
  none: "No audiences yet.",
  col_name: "Name",
  col_seed: "Seed",
  col_percent: "Size asked",
  col_status: "Status",
  col_size: "Shoppers",
  col_recall: "Held-out seeds found",
  col_export: "Export",
  status_queued: "queued",
  status_building: "building {progress} %",
  status_built: "built",
  status_failed: "failed: {error}",
  sizeOf: "{size} of {pool}",
  download: "CSV (hashed)",
  listed: "list of {n}",
  exportNote: "Exports hold SHA-256 hashes of normalised shopper ids (EXTERN_ID), the ad platforms' custom-audience format.",
};

export type AudienceWords = typeof en;

const zh: AudienceWords = {
  audiences: "人群",
  otherLanguage: "English",
  refresh: "刷新",
  close: "关闭",
  create: "创建相似人群",
  name: "名称",
  seedKind: "种子人群",
  kind_segment: "RFM 分群",
  kind_sku: "某 SKU 的买家",
  kind_list: "上传的顾客 ID 名单",
  segment: "分群",
  sku: "SKU",
  list: "顾客 ID（CSV 每行一个，或 JSON 数组）",
  percent: "规模，占人群池的百分比（1–10）",
  intro: "相似人群是与至少 100 人的种子最相似的顾客，供广告平台投放；种子本身不在其中。",
  couldNotRead: "无法读取：{message}",
  refused: "未通过：{message}",
  queued: "已排队 {name}：相似人群任务正在计算。",
  none: "还没有人群。",
  col_name: "名称",
  col_seed: "种子",
  col_percent: "规模",
  col_status: "状态",
  col_size: "人数",
  col_recall: "留出种子命中率",
  col_export: "导出",
  status_queued: "排队中",
  status_building: "计算中 {progress}%",
  status_built: "已完成",
  status_failed: "失败：{error}",
  sizeOf: "{size} / {pool}",
  download: "CSV（已哈希）",
  listed: "名单 {n} 人",
  exportNote: "导出文件为规范化后的顾客 ID 的 SHA-256 哈希（EXTERN_ID），即广告平台的自定义人群格式。",
};

export function audienceWords(lang: Lang): AudienceWords {
  return lang === "zh-CN" ? zh : en;
}
