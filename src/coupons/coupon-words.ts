import type { Lang } from "../i18n/messages.ts";
import { formatMoney } from "../money.ts";
import type { CouponType } from "./limits.ts";

/**
 * Every word of the console's Coupons view (issue 14), in both languages, as the live
 * dashboard has its own (src/metrics/dashboard-words.ts): the console's shell renders the
 * section and the form with them on the server (workers/storefront/admin/console-coupons.ts),
 * its script (web/client/console/coupons-view.ts and coupon-form.ts) fills in the rest with
 * the same set. `{x}` is filled in by `fill`. No zod here: the console's script imports it.
 */
const en = {
  coupons: "Coupons",
  otherLanguage: "中文",
  newCoupon: "New coupon",
  refresh: "Refresh",
  close: "Close",
  loading: "Loading…",
  noCoupons: "No coupon template yet.",
  couldNotRead: "Could not read the coupons: {message}",
  col_coupon: "Coupon",
  col_kind: "Discount",
  col_valid: "Valid (your local time)",
  col_pool: "Claimed / pool",
  col_held: "Held",
  col_used: "Used",
  col_rate: "Redeemed",
  everySale: "every sale",
  onlySkus: "only {skus}",
  flag_paused: "paused",
  flag_stackable: "stackable",
  flag_granted: "granted only",
  validity: "{from} – {until}",
  rate: "{rate} %",
  noRate: "– (none claimed)",
  edit: "Edit",
  history: "History",
  audit: "Audit log",
  kind_amount: "{amount} off",
  kind_amount_min: "{amount} off from {min}",
  kind_percent: "{percent}% off",
  kind_percent_cap: "{percent}% off, up to {cap}",
  kind_percent_min: "{percent}% off from {min}",
  kind_percent_min_cap: "{percent}% off from {min}, up to {cap}",
  type_amount_off: "Amount off (满减, 立减)",
  type_percent_off: "Percent off (折扣)",
  form_new: "New coupon template",
  form_edit: "Edit {title} (version {version})",
  legend_coupon: "Coupon",
  f_id: "Id (lowercase letters, digits and dashes; fixed once saved)",
  f_title: "Title, as the shopper reads it",
  f_description: "Description",
  legend_discount: "Discount",
  f_type: "Kind",
  f_amountOff: "Amount off (yuan; saved as whole fen)",
  f_percentOff: "Percent off (1–99 %)",
  f_maxDiscount: "Takes off at most (yuan; saved as whole fen; 0: no cap)",
  f_minSpend: "Minimum spend, before any coupon (yuan; saved as whole fen; 0: none)",
  f_skus: "SKUs it applies to, separated by commas (empty: every sale)",
  legend_when: "When (your local time)",
  f_validFrom: "Valid from",
  f_validUntil: "Valid until (not included)",
  legend_pool: "Pool and rules",
  f_totalQuantity: "Pool: coupons that can ever be claimed (never below those claimed)",
  f_perShopperLimit: "Claims per shopper",
  f_stackable: "Stackable: may go with other stackable coupons (up to 3 on an order)",
  f_paused: "Paused: no more claims (claimed coupons stay usable)",
  f_claimable: "Shoppers claim it (untick: only granted, e.g. as team red packets)",
  f_redeem: "Redeemed",
  redeem_online: "online, at checkout",
  redeem_in_store: "in a store, at the till (handed out by a livestream)",
  flag_in_store: "in store",
  save: "Save",
  cancel: "Cancel",
  need_amount: "enter an amount in yuan, like 50 or 49.90",
  need_number: "enter a whole number",
  need_time: "pick a date and time",
  fixFields: "Please fix the marked fields.",
  notSaved: "The coupon was not saved: please fix the marked fields.",
  stale:
    "Someone saved this coupon meanwhile (now version {version}). Close the form and edit it again to see their changes; nothing of yours was saved.",
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
  h_subject: "Coupon",
  h_what: "What changed",
  unknownAuthor: "written to KV directly",
  created: "created",
  oldestKept: "the oldest version kept",
  noChange: "no change",
  yes: "yes",
  no: "no",
  label_title: "title",
  label_description: "description",
  label_type: "kind",
  label_amountOff: "amount off",
  label_percentOff: "percent off",
  label_maxDiscount: "at most",
  label_minSpend: "minimum spend",
  label_skus: "SKUs",
  label_validFrom: "valid from",
  label_validUntil: "valid until",
  label_perShopperLimit: "claims per shopper",
  label_totalQuantity: "pool",
  label_stackable: "stackable",
  label_paused: "paused",
  label_claimable: "claimable",
  label_redeem: "redeemed",
} as const;

export type CouponWord = keyof typeof en;
export type CouponWords = Record<CouponWord, string>;

const zh: CouponWords = {
  coupons: "优惠券",
  otherLanguage: "English",
  newCoupon: "新建优惠券",
  refresh: "刷新",
  close: "关闭",
  loading: "加载中…",
  noCoupons: "还没有优惠券模板。",
  couldNotRead: "读取优惠券失败：{message}",
  col_coupon: "优惠券",
  col_kind: "优惠",
  col_valid: "有效期（本地时间）",
  col_pool: "已领 / 总量",
  col_held: "占用中",
  col_used: "已核销",
  col_rate: "核销率",
  everySale: "全部商品",
  onlySkus: "仅限 {skus}",
  flag_paused: "已暂停",
  flag_stackable: "可叠加",
  flag_granted: "仅发放",
  validity: "{from} – {until}",
  rate: "{rate}%",
  noRate: "–（暂无领取）",
  edit: "编辑",
  history: "历史版本",
  audit: "审计日志",
  kind_amount: "立减{amount}元",
  kind_amount_min: "满{min}减{amount}",
  kind_percent: "{zhe}折",
  kind_percent_cap: "{zhe}折，最高减{cap}元",
  kind_percent_min: "满{min}享{zhe}折",
  kind_percent_min_cap: "满{min}享{zhe}折，最高减{cap}元",
  type_amount_off: "满减 / 立减（减金额）",
  type_percent_off: "折扣（减百分比）",
  form_new: "新建优惠券模板",
  form_edit: "编辑 {title}（版本 {version}）",
  legend_coupon: "优惠券",
  f_id: "ID（小写字母、数字和连字符；保存后不可更改）",
  f_title: "标题（顾客看到的名称）",
  f_description: "说明",
  legend_discount: "优惠",
  f_type: "类型",
  f_amountOff: "减免金额（元；按整数分保存）",
  f_percentOff: "折扣比例（减 1–99%）",
  f_maxDiscount: "最高减免（元；按整数分保存；0 为不封顶）",
  f_minSpend: "使用门槛，用券前订单金额（元；按整数分保存；0 为无门槛）",
  f_skus: "适用 SKU，用逗号分隔（留空：全部商品）",
  legend_when: "时间（本地时间）",
  f_validFrom: "生效时间",
  f_validUntil: "失效时间（不含）",
  legend_pool: "总量与规则",
  f_totalQuantity: "总量：最多可领取的张数（不能低于已领取数）",
  f_perShopperLimit: "每人限领",
  f_stackable: "可叠加：可与其他可叠加优惠券同用（每单最多 3 张）",
  f_paused: "暂停：停止领取（已领取的仍可使用）",
  f_claimable: "顾客可领取（取消勾选：仅发放，如组队红包）",
  f_redeem: "核销方式",
  redeem_online: "线上下单时使用",
  redeem_in_store: "到店核销（由直播间发放）",
  flag_in_store: "门店券",
  save: "保存",
  cancel: "取消",
  need_amount: "请输入金额（元），如 50 或 49.90",
  need_number: "请输入整数",
  need_time: "请选择日期和时间",
  fixFields: "请修改标出的字段。",
  notSaved: "优惠券未保存：请修改标出的字段。",
  stale: "有人已先保存了这张优惠券（现为版本 {version}）。请关闭表单后重新编辑以查看其修改；你的修改未保存。",
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
  h_subject: "优惠券",
  h_what: "修改内容",
  unknownAuthor: "直接写入 KV",
  created: "新建",
  oldestKept: "保留的最早版本",
  noChange: "无修改",
  yes: "是",
  no: "否",
  label_title: "标题",
  label_description: "说明",
  label_type: "类型",
  label_amountOff: "减免金额",
  label_percentOff: "折扣比例",
  label_maxDiscount: "最高减免",
  label_minSpend: "使用门槛",
  label_skus: "适用 SKU",
  label_validFrom: "生效时间",
  label_validUntil: "失效时间",
  label_perShopperLimit: "每人限领",
  label_totalQuantity: "总量",
  label_stackable: "可叠加",
  label_paused: "暂停",
  label_claimable: "可领取",
  label_redeem: "核销方式",
};

export function couponWords(lang: Lang): CouponWords {
  return lang === "zh-CN" ? zh : en;
}

/** A word with its `{name}` places filled. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Fen as a coupon states it: "¥50", "¥49.90" in English; "50", "49.90" in Chinese (满300减50). */
export function couponAmount(fen: number, lang: Lang): string {
  const text = formatMoney(fen).replace(/\.00$/, "");
  return lang === "zh-CN" ? text.replace("¥", "") : text;
}

/** The discount terms of a coupon template. */
export interface CouponTerms {
  type: CouponType;
  amountOff: number;
  percentOff: number;
  maxDiscount: number;
  minSpend: number;
}

/**
 * The discount in a line: "¥50 off from ¥300" / "满300减50"; "12% off, up to ¥100" /
 * "8.8折，最高减100元" (Chinese states the share paid, 折: 12 % off is 8.8折).
 */
export function couponKind(terms: CouponTerms, lang: Lang): string {
  const w = couponWords(lang);
  const min = terms.minSpend > 0 ? couponAmount(terms.minSpend, lang) : null;
  if (terms.type === "amount_off") {
    const amount = couponAmount(terms.amountOff, lang);
    return min ? fill(w.kind_amount_min, { amount, min }) : fill(w.kind_amount, { amount });
  }
  const values = {
    percent: terms.percentOff,
    zhe: String((100 - terms.percentOff) / 10),
    cap: couponAmount(terms.maxDiscount, lang),
    min: min ?? "",
  };
  const capped = terms.maxDiscount > 0;
  const word = min ? (capped ? w.kind_percent_min_cap : w.kind_percent_min) : capped ? w.kind_percent_cap : w.kind_percent;
  return fill(word, values);
}
