import type { Lang } from "../i18n/messages.ts";

/**
 * Every word of the console's "Response times" view (issue 17), in both languages, as the
 * Member tiers view has its own (src/membership/membership-words.ts): the shell renders the
 * section with them (workers/storefront/admin/console-adviser-board.ts), the script
 * (web/client/console/adviser-board-view.ts) the rest. No zod here.
 */
const en = {
  responseTimes: "Response times",
  otherLanguage: "中文",
  close: "Close",
  settings: "Hours & SLA",
  period: "Conversations from",
  period_today: "the last 24 hours",
  period_7d: "the last 7 days",
  period_30d: "the last 30 days",
  live: "live · updated {time}",
  couldNotRead: "Could not read: {message}",
  businessNote: "Business time: hours {zone}, first-response SLA {sla} min",
  conversations: "Conversations",
  firstResponse: "First response",
  resolution: "Resolution",
  breaches: "SLA breaches",
  waitingNow: "Waiting now",
  percentiles: "p50 {p50} · p90 {p90} · p95 {p95}",
  measured: "{count} measured",
  breachLine: "{count} ({rate})",
  nobodyWaiting: "Nobody is waiting for a first reply.",
  breached: "SLA breached",
  col_conversation: "Conversation",
  col_shopper: "Shopper",
  col_adviser: "Adviser",
  col_waited: "Waited (business)",
  col_since: "Since",
  col_shift: "On shift",
  col_conversations: "Conversations",
  col_open: "Open",
  col_first: "First response p50 / p90 / p95",
  col_resolution: "Resolution p50 / p90",
  col_breaches: "Breaches",
  col_bucket: "Business time",
  col_firstCount: "First responses",
  col_resolutionCount: "Resolutions",
  byAdviser: "By adviser",
  buckets: "Buckets",
  repeat: "Repeat purchase",
  repeat_with: "With an adviser conversation",
  repeat_without: "Without",
  repeatLine: "{rate} ({repeat} of {buyers} buyers bought again)",
  yes: "yes",
  no: "no",
  removed: "(left)",
  none: "–",
  settingsTitle: "Business hours and SLA (version {version})",
  f_timeZone: "Time zone",
  f_sla: "First-response SLA (business minutes)",
  f_day: "{day} (e.g. 09:00-18:00; several: 09:00-12:00, 13:00-18:00; empty: closed)",
  save: "Save",
  cancel: "Cancel",
  needMinutes: "enter whole minutes",
  saved: "Saved version {version}.",
  notSaved: "Not saved: {message}",
  stale: "Someone saved version {version} meanwhile: close the form and edit again.",
  day_mon: "Monday",
  day_tue: "Tuesday",
  day_wed: "Wednesday",
  day_thu: "Thursday",
  day_fri: "Friday",
  day_sat: "Saturday",
  day_sun: "Sunday",
};

export type BoardWords = typeof en;

const zh: BoardWords = {
  responseTimes: "响应时效",
  otherLanguage: "English",
  close: "关闭",
  settings: "工作时间与 SLA",
  period: "会话范围",
  period_today: "最近 24 小时",
  period_7d: "最近 7 天",
  period_30d: "最近 30 天",
  live: "实时 · 更新于 {time}",
  couldNotRead: "无法读取：{message}",
  businessNote: "按工作时间计（{zone}），首次响应 SLA {sla} 分钟",
  conversations: "会话",
  firstResponse: "首次响应",
  resolution: "解决时长",
  breaches: "超出 SLA",
  waitingNow: "正在等待",
  percentiles: "p50 {p50} · p90 {p90} · p95 {p95}",
  measured: "已计 {count} 个",
  breachLine: "{count}（{rate}）",
  nobodyWaiting: "没有等待首次回复的顾客。",
  breached: "已超 SLA",
  col_conversation: "会话",
  col_shopper: "顾客",
  col_adviser: "顾问",
  col_waited: "已等待（工作时间）",
  col_since: "开始于",
  col_shift: "在班",
  col_conversations: "会话",
  col_open: "进行中",
  col_first: "首次响应 p50 / p90 / p95",
  col_resolution: "解决时长 p50 / p90",
  col_breaches: "超时",
  col_bucket: "工作时间",
  col_firstCount: "首次响应",
  col_resolutionCount: "已解决",
  byAdviser: "按顾问",
  buckets: "时长分布",
  repeat: "复购率",
  repeat_with: "与顾问有过会话",
  repeat_without: "没有会话",
  repeatLine: "{rate}（{buyers} 位购买者中 {repeat} 位复购）",
  yes: "是",
  no: "否",
  removed: "（已离开）",
  none: "–",
  settingsTitle: "工作时间与 SLA（版本 {version}）",
  f_timeZone: "时区",
  f_sla: "首次响应 SLA（工作分钟）",
  f_day: "{day}（如 09:00-18:00；多段：09:00-12:00, 13:00-18:00；留空：休息）",
  save: "保存",
  cancel: "取消",
  needMinutes: "请输入整数分钟",
  saved: "已保存版本 {version}。",
  notSaved: "未保存：{message}",
  stale: "其他人已保存版本 {version}：请关闭表单后重新编辑。",
  day_mon: "周一",
  day_tue: "周二",
  day_wed: "周三",
  day_thu: "周四",
  day_fri: "周五",
  day_sat: "周六",
  day_sun: "周日",
};

export function boardWords(lang: Lang): BoardWords {
  return lang === "zh-CN" ? zh : en;
}

/** Business seconds as the board shows them: "45 s", "20 min", "5 h 05 min"; null: "–". */
export function duration(seconds: number | null, lang: Lang): string {
  if (seconds === null) return "–";
  if (seconds < 60) return lang === "zh-CN" ? `${seconds} 秒` : `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return lang === "zh-CN" ? `${minutes} 分钟` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = String(minutes % 60).padStart(2, "0");
  return lang === "zh-CN" ? `${hours} 小时 ${rest} 分` : `${hours} h ${rest} min`;
}
