import type { Lang } from "../i18n/messages.ts";

/**
 * Every word of the console's Propagation view (issue 14), in both languages, as the live
 * dashboard has its own (src/metrics/dashboard-words.ts): the console's shell renders the
 * section with them on the server (workers/storefront/admin/console-propagation.ts), its
 * script (web/client/console/propagation-view.ts) fills in the rest with the same set.
 * `{x}` is filled in by `fill`. No zod here: the console's script imports it.
 */
const en = {
  propagation: "Propagation",
  otherLanguage: "中文",
  refresh: "Refresh",
  close: "Close",
  campaign: "Campaign",
  pick: "Show",
  loading: "Loading…",
  noCampaigns: "No campaign has propagation edges yet: they appear as shoppers land through share links.",
  couldNotRead: "Could not read the propagation graph: {message}",
  campaignOption: "{campaign} · {people} shoppers · {edges} edges",
  truncated: "Only the newest {read} of {total} edges are shown: the figures and the graph are theirs.",
  pseudonyms: "Shoppers are shown by pseudonym: your role does not read shoppers' ids.",
  fig_visits: "Visits",
  fig_joins: "Joins",
  fig_completedTeams: "Completed teams",
  fig_orders: "Orders",
  fig_revenue: "Revenue attributed",
  fig_kFactor: "K-factor",
  fig_kFactor_hint: "invites per inviter {i} × conversion {c}",
  fig_depth: "Depth",
  fig_people: "Shoppers",
  fig_inviters: "Inviters",
  topSpreaders: "Top spreaders",
  noSpreaders: "No one has brought anyone yet.",
  col_rank: "#",
  col_shopper: "Shopper",
  col_descendants: "Brought (all levels)",
  col_depth: "Depth",
  graph: "Graph",
  graphHint: "Drag to pan, pinch or scroll to zoom; a node's size is the shoppers it brought.",
  zoomIn: "Zoom in",
  zoomOut: "Zoom out",
  fit: "Fit",
  emptyGraph: "No edge yet.",
  legend: "Legend",
  legend_tree: "first invitation (tree)",
  legend_touch: "later touch (dashed)",
  legend_visit: "visit",
  legend_join: "join",
  legend_order: "order",
  legend_size: "larger node: more shoppers brought",
};

export type PropagationWords = typeof en;

const zh: PropagationWords = {
  propagation: "裂变传播",
  otherLanguage: "English",
  refresh: "刷新",
  close: "关闭",
  campaign: "活动",
  pick: "查看",
  loading: "加载中…",
  noCampaigns: "还没有活动产生传播关系：顾客通过分享链接进入后就会出现。",
  couldNotRead: "无法读取传播图：{message}",
  campaignOption: "{campaign} · {people} 位顾客 · {edges} 条关系",
  truncated: "只显示最新的 {read} 条关系（共 {total} 条）：数字和图都只按这些计算。",
  pseudonyms: "顾客以化名显示：你的角色无权查看顾客编号。",
  fig_visits: "访问",
  fig_joins: "参团",
  fig_completedTeams: "成团",
  fig_orders: "订单",
  fig_revenue: "归因销售额",
  fig_kFactor: "K 因子",
  fig_kFactor_hint: "人均邀请 {i} × 转化率 {c}",
  fig_depth: "层级深度",
  fig_people: "顾客",
  fig_inviters: "邀请人",
  topSpreaders: "传播达人",
  noSpreaders: "还没有人带来新顾客。",
  col_rank: "#",
  col_shopper: "顾客",
  col_descendants: "带来（各级合计）",
  col_depth: "层级",
  graph: "传播图",
  graphHint: "拖动平移，双指或滚轮缩放；节点越大，带来的顾客越多。",
  zoomIn: "放大",
  zoomOut: "缩小",
  fit: "适应窗口",
  emptyGraph: "还没有传播关系。",
  legend: "图例",
  legend_tree: "首次邀请（树）",
  legend_touch: "之后的触达（虚线）",
  legend_visit: "访问",
  legend_join: "参团",
  legend_order: "下单",
  legend_size: "节点越大：带来的顾客越多",
};

export function propagationWords(lang: Lang): PropagationWords {
  return lang === "zh-CN" ? zh : en;
}

/** `template` with each `{name}` replaced by its value. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
