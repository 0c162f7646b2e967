import type { Lang } from "../i18n/messages.ts";

/**
 * Every word of the console's Recommendations view (issue 18, part E), in both languages: the
 * shell renders the section with them (workers/storefront/admin/console-recommendations.ts), the
 * script (web/client/console/recommendations-view.ts) the rest. `{name}`-style slots are filled
 * by `format` (src/i18n/messages.ts).
 */
const en = {
  recommendations: "Recommendations",
  otherLanguage: "中文",
  rollBack: "Roll back",
  refresh: "Refresh",
  close: "Close",
  modelVersions: "Model versions",
  ctrPerArm: "Click-through per arm (last 7 days)",
  couldNotReadModels: "could not read the models: {message}",
  couldNotReadCtr: "could not read the CTR: {message}",
  serving: "Serving {model} (revision {revision}, since {since} by {by})",
  rollbackReturnsTo: "; a rollback returns to {previous}",
  noActive: "No model is active: every shopper sees popularity.",
  rolledBack: "rolled back",
  activated: "{version} activated",
  done: "{done}. ",
  refused: "refused: {message}. ",
  unknown: "unknown",
  noModels: "No model uploaded yet: npm run train:recs -- --publish",
  col_version: "Version",
  col_trained: "Trained",
  col_shape: "Items × dims",
  col_recallModel: "Recall@10 model",
  col_recallPopularity: "Recall@10 popularity",
  col_ndcgModel: "NDCG@10 model",
  col_phones: "Phones in top 10 after 3 phone views",
  col_uploaded: "Uploaded",
  active: " · active",
  activate: "Activate",
  col_arm: "Arm",
  col_shown: "Cards shown",
  col_taps: "Taps",
  col_ctr: "CTR",
  col_interval: "95 % interval",
};

export type RecWords = typeof en;

const zh: RecWords = {
  recommendations: "个性化推荐",
  otherLanguage: "English",
  rollBack: "回滚",
  refresh: "刷新",
  close: "关闭",
  modelVersions: "模型版本",
  ctrPerArm: "各实验组点击率（近 7 天）",
  couldNotReadModels: "无法读取模型：{message}",
  couldNotReadCtr: "无法读取点击率：{message}",
  serving: "正在使用 {model}（修订 {revision}，自 {since} 起，由 {by} 启用）",
  rollbackReturnsTo: "；回滚将恢复 {previous}",
  noActive: "没有启用的模型：所有顾客看到的是热门推荐。",
  rolledBack: "已回滚",
  activated: "已启用 {version}",
  done: "{done}。",
  refused: "未通过：{message}。",
  unknown: "未知",
  noModels: "还没有上传模型：npm run train:recs -- --publish",
  col_version: "版本",
  col_trained: "训练时间",
  col_shape: "商品数 × 维度",
  col_recallModel: "模型 Recall@10",
  col_recallPopularity: "热门 Recall@10",
  col_ndcgModel: "模型 NDCG@10",
  col_phones: "看过 3 部手机后前 10 中的手机数",
  col_uploaded: "上传",
  active: " · 使用中",
  activate: "启用",
  col_arm: "实验组",
  col_shown: "展示卡片数",
  col_taps: "点击数",
  col_ctr: "点击率",
  col_interval: "95 % 区间",
};

export function recWords(lang: Lang): RecWords {
  return lang === "zh-CN" ? zh : en;
}
