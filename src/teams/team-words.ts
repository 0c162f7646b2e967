import { fill } from "../coupons/coupon-words.ts";
import type { Lang } from "../i18n/messages.ts";
import { formatMoney } from "../money.ts";

/**
 * Every word of the console's Team red packets view (issue 14), in both languages, as the
 * Coupons view has its own (src/coupons/coupon-words.ts, whose `fill` these use too): the
 * console's shell renders the section and the form with them on the server
 * (workers/storefront/admin/console-teams.ts), its script (web/client/console/teams-view.ts
 * and team-form.ts) fills in the rest with the same set. No zod here: the console's script
 * imports it.
 */
const en = {
  teams: "Team red packets",
  otherLanguage: "中文",
  newCampaign: "New campaign",
  refresh: "Refresh",
  close: "Close",
  noCampaigns: "No team campaign yet.",
  couldNotRead: "Could not read the team campaigns: {message}",
  col_campaign: "Campaign",
  col_terms: "Red packet",
  col_window: "Teams start (your local time)",
  col_teams: "Teams started / open / completed / expired",
  col_members: "Members",
  col_granted: "Coupons granted",
  col_rate: "Completed",
  terms: "{size} people share {pool}, {split}",
  split_equal: "equal",
  split_random: "random",
  join_anyone: "anyone may join",
  join_new_shoppers: "new shoppers only",
  completeWithin: "{time} to complete",
  coupon_terms: "coupons valid {days} days, {scope}",
  coupon_terms_min: "coupons valid {days} days from {min}, {scope}",
  anySku: "every sale",
  onlySkus: "only {skus}",
  window: "{from} – {until}",
  teamsFigures: "{started} / {open} / {completed} / {expired}",
  granted: "{count} · {amount}",
  rate: "{rate} %",
  noRate: "– (none finished)",
  hours: "{n} h",
  minutes: "{n} min",
  edit: "Edit",
  history: "History",
  audit: "Audit log",
  form_new: "New team campaign",
  form_edit: "Edit {title} (version {version})",
  legend_campaign: "Campaign",
  f_id: "Id (lowercase letters, digits and dashes, 2–35; fixed once saved)",
  f_title: "Title, as the shopper reads it",
  legend_packet: "Red packet",
  f_teamSize: "People in a team, the leader included (2–10)",
  f_poolAmount: "Pool a completed team shares (yuan; saved as whole fen)",
  f_split: "Split",
  split_equal_long: "Equal (the odd fen to the first members)",
  split_random_long: "Random (WeChat's lucky draw, at least ¥0.01 each)",
  f_completeWithin: "Time to complete a team (hours; 1/60 to 168)",
  f_joinRule: "Who may join",
  join_anyone_long: "Anyone",
  join_new_shoppers_long: "New shoppers only (no paid order yet)",
  legend_when: "When teams may start (your local time)",
  f_startsAt: "From",
  f_endsAt: "Until (not included)",
  legend_coupon: "The coupons each member is granted",
  f_couponValidDays: "Valid for (days from the team's completion)",
  f_couponMinSpend: "Minimum spend (yuan; saved as whole fen; 0: none)",
  f_skus: "SKUs they apply to, separated by commas (empty: every sale)",
  save: "Save",
  cancel: "Cancel",
  need_amount: "enter an amount in yuan, like 100 or 99.90",
  need_number: "enter a whole number",
  need_hours: "enter hours, like 24 or 1.5",
  need_time: "pick a date and time",
  fixFields: "Please fix the marked fields.",
  notSaved: "The campaign was not saved: please fix the marked fields.",
  stale:
    "Someone saved this campaign meanwhile (now version {version}). Close the form and edit it again to see their changes; nothing of yours was saved.",
  failed: "Not saved: {message}",
  saved: "Saved {title} (version {version}).",
  historyOf: "History of {title}",
  auditOf: "Audit log of {title}",
  couldNotReadHistory: "Could not read the history: {message}",
  couldNotReadAudit: "Could not read the audit log: {message}",
  h_version: "Version",
  h_saved: "Saved",
  h_by: "By",
  h_changes: "Changes",
  h_when: "When",
  h_who: "Who",
  h_action: "Action",
  h_subject: "Campaign",
  h_what: "What changed",
  unknownAuthor: "written to KV directly",
  created: "created",
  oldestKept: "the oldest version kept",
  noChange: "no change",
  label_title: "title",
  label_teamSize: "team size",
  label_poolAmount: "pool",
  label_split: "split",
  label_completeWithinSeconds: "time to complete",
  label_joinRule: "who may join",
  label_startsAt: "from",
  label_endsAt: "until",
  label_couponValidDays: "coupons valid (days)",
  label_couponMinSpend: "minimum spend",
  label_appliesTo: "SKUs",
} as const;

export type TeamWord = keyof typeof en;
export type TeamWords = Record<TeamWord, string>;

const zh: TeamWords = {
  teams: "组队红包",
  otherLanguage: "English",
  newCampaign: "新建活动",
  refresh: "刷新",
  close: "关闭",
  noCampaigns: "还没有组队活动。",
  couldNotRead: "读取组队活动失败：{message}",
  col_campaign: "活动",
  col_terms: "红包",
  col_window: "开团时间（本地时间）",
  col_teams: "开团 / 组队中 / 成功 / 超时",
  col_members: "参与人数",
  col_granted: "已发优惠券",
  col_rate: "成团率",
  terms: "{size}人瓜分{pool}，{split}",
  split_equal: "平均分",
  split_random: "拼手气",
  join_anyone: "所有人可加入",
  join_new_shoppers: "仅限新用户",
  completeWithin: "{time}内组满",
  coupon_terms: "优惠券有效 {days} 天，{scope}",
  coupon_terms_min: "优惠券有效 {days} 天，满{min}可用，{scope}",
  anySku: "全部商品",
  onlySkus: "仅限 {skus}",
  window: "{from} – {until}",
  teamsFigures: "{started} / {open} / {completed} / {expired}",
  granted: "{count} 张 · {amount}",
  rate: "{rate}%",
  noRate: "–（暂无结束的队伍）",
  hours: "{n}小时",
  minutes: "{n}分钟",
  edit: "编辑",
  history: "历史版本",
  audit: "审计日志",
  form_new: "新建组队活动",
  form_edit: "编辑 {title}（版本 {version}）",
  legend_campaign: "活动",
  f_id: "ID（小写字母、数字和连字符，2–35 位；保存后不可更改）",
  f_title: "标题（顾客看到的名称）",
  legend_packet: "红包",
  f_teamSize: "每队人数，含队长（2–10）",
  f_poolAmount: "成团后瓜分的金额（元；按整数分保存）",
  f_split: "分配方式",
  split_equal_long: "平均分（零头分给先加入的队员）",
  split_random_long: "拼手气（微信红包算法，每人至少 ¥0.01）",
  f_completeWithin: "组队时限（小时；1/60 至 168）",
  f_joinRule: "谁可以加入",
  join_anyone_long: "所有人",
  join_new_shoppers_long: "仅限新用户（还没有已支付订单）",
  legend_when: "可开团时间（本地时间）",
  f_startsAt: "开始",
  f_endsAt: "结束（不含）",
  legend_coupon: "每位队员获得的优惠券",
  f_couponValidDays: "有效天数（自成团起）",
  f_couponMinSpend: "使用门槛（元；按整数分保存；0 为无门槛）",
  f_skus: "适用 SKU，用逗号分隔（留空：全部商品）",
  save: "保存",
  cancel: "取消",
  need_amount: "请输入金额（元），如 100 或 99.90",
  need_number: "请输入整数",
  need_hours: "请输入小时数，如 24 或 1.5",
  need_time: "请选择日期和时间",
  fixFields: "请修改标出的字段。",
  notSaved: "活动未保存：请修改标出的字段。",
  stale: "有人已先保存了这个活动（现为版本 {version}）。请关闭表单后重新编辑以查看其修改；你的修改未保存。",
  failed: "未保存：{message}",
  saved: "已保存 {title}（版本 {version}）。",
  historyOf: "{title} 的历史版本",
  auditOf: "{title} 的审计日志",
  couldNotReadHistory: "读取历史版本失败：{message}",
  couldNotReadAudit: "读取审计日志失败：{message}",
  h_version: "版本",
  h_saved: "保存时间",
  h_by: "保存人",
  h_changes: "修改",
  h_when: "时间",
  h_who: "操作人",
  h_action: "操作",
  h_subject: "活动",
  h_what: "修改内容",
  unknownAuthor: "直接写入 KV",
  created: "新建",
  oldestKept: "保留的最早版本",
  noChange: "无修改",
  label_title: "标题",
  label_teamSize: "每队人数",
  label_poolAmount: "红包金额",
  label_split: "分配方式",
  label_completeWithinSeconds: "组队时限",
  label_joinRule: "加入条件",
  label_startsAt: "开始",
  label_endsAt: "结束",
  label_couponValidDays: "优惠券有效天数",
  label_couponMinSpend: "使用门槛",
  label_appliesTo: "适用 SKU",
};

export function teamWords(lang: Lang): TeamWords {
  return lang === "zh-CN" ? zh : en;
}

export { fill };

/** The red packet in a line: "4 people share ¥100.00, equal" / "4人瓜分¥100.00，拼手气". */
export function teamTerms(campaign: { teamSize: number; poolAmount: number; split: "equal" | "random" }, lang: Lang): string {
  const w = teamWords(lang);
  return fill(w.terms, { size: campaign.teamSize, pool: formatMoney(campaign.poolAmount), split: w[`split_${campaign.split}`] });
}

/** A team's time to complete: "24 h", "1 h 30 min", "45 min" / "24小时", "1小时30分钟". */
export function completeWithin(seconds: number, lang: Lang): string {
  const w = teamWords(lang);
  const total = Math.round(seconds / 60);
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  const parts = [hours > 0 && fill(w.hours, { n: hours }), (minutes > 0 || hours === 0) && fill(w.minutes, { n: minutes })];
  return parts.filter(Boolean).join(lang === "zh-CN" ? "" : " ");
}

/** Completed ÷ (completed + expired): of the teams that finished, the share that filled; null before any finished. */
export function completionRate(figures: { teamsCompleted: number; teamsExpired: number }): number | null {
  const finished = figures.teamsCompleted + figures.teamsExpired;
  return finished === 0 ? null : figures.teamsCompleted / finished;
}
