import type { ErrorCode } from "../errors.ts";

export type Lang = "en" | "zh-CN";
export const LANGS: readonly Lang[] = ["en", "zh-CN"];

/** Every string a shopper reads, in both languages. Client scripts get the page's set as JSON. */
const en = {
  siteName: "Flash Sale",
  liveAndUpcoming: "Live and upcoming sales",
  noSales: "No sale is running or scheduled right now.",
  phase_upcoming: "Upcoming",
  phase_live: "Live now",
  phase_sold_out: "Sold out",
  phase_ended: "Ended",
  phase_paused: "Paused",
  opensIn: "Opens in",
  endsIn: "Ends in",
  saleEnded: "This sale has ended",
  listPrice: "List price",
  priceTiers: "Price by sale rank",
  units: "Units",
  price: "Price",
  leftInTier: "{n} left at this price",
  thenPrice: "then {price}",
  remaining: "{remaining} of {total} left",
  limitPerShopper: "Limit {n} per shopper",
  quantity: "Quantity",
  buy_waiting: "Opens soon",
  buy_live: "Buy now",
  buy_sold_out: "Sold out",
  buy_ended: "Sale ended",
  buy_paused: "Paused",
  buying: "Reserving…",
  gift: "Limited-time gift",
  giftWhileStocks: "With every order until {time}, while {n} last",
  liveConnected: "Live",
  liveReconnecting: "Reconnecting…",
  session_pending: "Getting your checkout ready…",
  session_retrying: "Could not reach the checkout. Retrying…",
  botCheck_pending: "Checking that you are not a bot… (complete the check below if it asks)",
  botCheck_failed: "The bot check could not run. If this does not clear, please reload the page.",
  buy_queue: "In the queue",
  queue_joining: "Joining the queue…",
  queue_retrying: "Could not reach the queue. Retrying…",
  queue_waiting: "You are number {place} in the queue · about {s} s",
  queue_waitingNoPlace: "Your turn comes in about {s} s",
  queue_admitted: "It is your turn: you can buy now.",
  promo_amount_off: "{money} off",
  promo_discount: "{percent}% off",
  countdown_endsAt: "Ends {time}",
  countdown_opensAt: "Opens {time}",
  loading_live: "Loading live stock…",
  yourOrder: "Your order",
  orderStatus_pending_payment: "Awaiting payment",
  orderStatus_paid: "Paid",
  orderStatus_cancelled: "Cancelled",
  orderStatus_expired: "Expired",
  holdExpiresIn: "Your units are held for",
  total: "Total",
  payNow: "Pay now",
  payMethod: "Payment method",
  method_approve: "Test card (approves)",
  method_decline: "Test card (declines)",
  cancelOrder: "Cancel order",
  paidThanks: "Paid. Thank you for your order!",
  cancelledNote: "This order was cancelled; its units are back on sale.",
  expiredNote: "The hold ran out before payment; the units are back on sale.",
  loading: "Loading…",
  backToSale: "Back to the sale",
  notFoundTitle: "Page not found",
  notFoundBody: "There is nothing at this address. The sale you are looking for may have ended.",
  goHome: "See all sales",
  language: "中文",
  myProfile: "My profile",
  profileTitle: "Your browsing and purchases",
  recentlyViewed: "Viewed in the last 30 minutes",
  windowSummary: "{n} products · latest category: {category}",
  windowEmpty: "Nothing viewed in the last 30 minutes.",
  windowUnavailable: "Your recent views cannot be shown right now. Please try again shortly.",
  viewedJustNow: "just now",
  viewedAgo: "{m} min ago",
  lifetimeTitle: "Since your first visit",
  firstSeen: "First seen",
  paidOrders: "Paid orders",
  spend: "Spent",
  favouriteCategories: "Favourite categories",
  favouriteLine: "{category}: {purchases} bought · {views} viewed",
  noneYet: "None yet",
  error_invalid_request: "Something in the request was not right. Please try again.",
  error_unauthorized: "Please sign in again.",
  error_payment_declined: "The payment was declined. Try another payment method.",
  error_not_found: "We could not find that.",
  error_not_started: "The sale has not started yet.",
  error_sold_out: "Sold out. Every unit has found its buyer.",
  error_insufficient_stock: "Not that many left. Try a smaller quantity.",
  error_limit_exceeded: "You have reached the per-shopper limit for this sale.",
  error_checkout_cancelled: "That checkout was cancelled. Please start again.",
  error_order_not_payable: "This order can no longer be paid: its hold ended.",
  error_order_paid: "This order is paid and can no longer be cancelled.",
  error_conflict: "Something changed meanwhile. Please reload.",
  error_ended: "The sale has ended.",
  error_idempotency_conflict: "That request was already made with different details. Please reload.",
  error_rate_limited: "Too many tries. Please wait a moment.",
  rateLimited_wait: "Too many tries from here. You can try again in {s} s.",
  error_sale_paused: "The sale is paused. Please check back soon.",
  error_dependency_unavailable: "A service we depend on is unavailable. Please try again shortly.",
  error_admin_closed: "Administration is closed.",
  error_payload_too_large: "That request was too large to accept. Please reload the page and try again.",
  error_unsupported_media_type: "This page could not talk to the shop properly. Please reload the page and try again.",
  error_forbidden: "Your role may not do this. Ask the shop's owner if you need it.",
  error_bot_check_failed: "The bot check did not pass. Please wait for a new check below and try again.",
  error_queue_ticket_invalid: "Your place in the queue is no longer valid. Joining the queue again…",
  error_queue_not_admitted: "It is not your turn yet. Please wait a moment.",
  error_no_waiting_room: "This sale has no queue: you can buy directly.",
  error_forbidden_origin:
    "For your safety this request was refused: it did not come from this shop's own pages. Please open the shop directly and try again.",
  error_internal: "Something went wrong on our side. Please try again.",
  error_network: "Network problem. Check your connection and try again.",
};

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const zh: Messages = {
  siteName: "限时秒杀",
  liveAndUpcoming: "正在抢购与即将开抢",
  noSales: "当前没有进行中或即将开始的活动。",
  phase_upcoming: "即将开抢",
  phase_live: "抢购中",
  phase_sold_out: "已售罄",
  phase_ended: "已结束",
  phase_paused: "已暂停",
  opensIn: "距开抢",
  endsIn: "距结束",
  saleEnded: "活动已结束",
  listPrice: "原价",
  priceTiers: "阶梯价（按下单顺序）",
  units: "名次",
  price: "价格",
  leftInTier: "此价格仅剩 {n} 件",
  thenPrice: "之后 {price}",
  remaining: "剩余 {remaining} / {total} 件",
  limitPerShopper: "每人限购 {n} 件",
  quantity: "数量",
  buy_waiting: "即将开抢",
  buy_live: "立即抢购",
  buy_sold_out: "已抢光",
  buy_ended: "活动已结束",
  buy_paused: "已暂停",
  buying: "正在锁定库存…",
  gift: "限时加赠",
  giftWhileStocks: "{time} 前下单即赠，限量 {n} 份",
  liveConnected: "实时",
  liveReconnecting: "重新连接中…",
  session_pending: "正在为您准备下单…",
  session_retrying: "暂时无法连接下单服务，正在重试…",
  botCheck_pending: "正在进行人机验证…（如有提示，请在下方完成验证）",
  botCheck_failed: "人机验证未能完成。如未自动恢复，请刷新页面。",
  buy_queue: "排队中",
  queue_joining: "正在为您排队…",
  queue_retrying: "暂时无法连接排队服务，正在重试…",
  queue_waiting: "您排在第 {place} 位 · 预计约 {s} 秒",
  queue_waitingNoPlace: "预计约 {s} 秒后轮到您",
  queue_admitted: "轮到您了，现在可以购买。",
  promo_amount_off: "立减{amount}元",
  promo_discount: "{zhe}折优惠",
  countdown_endsAt: "{time} 结束",
  countdown_opensAt: "{time} 开抢",
  loading_live: "正在加载实时库存…",
  yourOrder: "您的订单",
  orderStatus_pending_payment: "待支付",
  orderStatus_paid: "已支付",
  orderStatus_cancelled: "已取消",
  orderStatus_expired: "已过期",
  holdExpiresIn: "库存为您保留",
  total: "合计",
  payNow: "立即支付",
  payMethod: "支付方式",
  method_approve: "测试卡（支付成功）",
  method_decline: "测试卡（支付失败）",
  cancelOrder: "取消订单",
  paidThanks: "支付成功，感谢您的购买！",
  cancelledNote: "订单已取消，商品已重新开放抢购。",
  expiredNote: "保留时间已过，订单已失效，商品已重新开放抢购。",
  loading: "加载中…",
  backToSale: "返回活动页",
  notFoundTitle: "页面不存在",
  notFoundBody: "这个地址没有内容，您要找的活动可能已经结束。",
  goHome: "查看全部活动",
  language: "English",
  myProfile: "我的",
  profileTitle: "我的浏览与购买",
  recentlyViewed: "最近 30 分钟浏览",
  windowSummary: "{n} 件商品 · 最近浏览品类：{category}",
  windowEmpty: "最近 30 分钟没有浏览记录。",
  windowUnavailable: "暂时无法显示最近浏览，请稍后再试。",
  viewedJustNow: "刚刚",
  viewedAgo: "{m} 分钟前",
  lifetimeTitle: "自首次访问以来",
  firstSeen: "首次访问",
  paidOrders: "已支付订单",
  spend: "累计消费",
  favouriteCategories: "偏爱品类",
  favouriteLine: "{category}：购买 {purchases} 次 · 浏览 {views} 次",
  noneYet: "暂无",
  error_invalid_request: "请求有误，请重试。",
  error_unauthorized: "请重新登录。",
  error_payment_declined: "支付被拒绝，请换一种支付方式。",
  error_not_found: "没有找到相关内容。",
  error_not_started: "活动尚未开始。",
  error_sold_out: "已抢光，所有商品都已售出。",
  error_insufficient_stock: "库存不足，请减少购买数量。",
  error_limit_exceeded: "您已达到本活动的每人限购数量。",
  error_checkout_cancelled: "该次下单已取消，请重新下单。",
  error_order_not_payable: "订单已失效，无法支付。",
  error_order_paid: "订单已支付，无法取消。",
  error_conflict: "数据已变化，请刷新页面。",
  error_ended: "活动已结束。",
  error_idempotency_conflict: "该请求已用不同参数提交过，请刷新页面。",
  error_rate_limited: "操作太频繁，请稍后再试。",
  rateLimited_wait: "操作太频繁，请 {s} 秒后再试。",
  error_sale_paused: "活动已暂停，请稍后再来。",
  error_dependency_unavailable: "依赖的服务暂时不可用，请稍后再试。",
  error_admin_closed: "管理后台未开放。",
  error_payload_too_large: "请求内容过大，无法受理。请刷新页面后重试。",
  error_unsupported_media_type: "页面与商城通信异常，请刷新页面后重试。",
  error_forbidden: "您的角色无权执行此操作。如有需要，请联系店铺所有者。",
  error_bot_check_failed: "人机验证未通过，请等待下方重新验证后再试。",
  error_queue_ticket_invalid: "您的排队凭证已失效，正在为您重新排队…",
  error_queue_not_admitted: "还没轮到您，请稍候。",
  error_no_waiting_room: "本活动无需排队，可直接购买。",
  error_forbidden_origin: "为保障您的安全，该请求已被拒绝：它并非来自本商城的页面。请直接打开商城后重试。",
  error_internal: "系统开小差了，请重试。",
  error_network: "网络异常，请检查网络后重试。",
};

const MESSAGES: Record<Lang, Messages> = { en, "zh-CN": zh };

export function messages(lang: Lang): Messages {
  return MESSAGES[lang];
}

/** Fills `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

/** The message for an API error code; every code has one (checked by the type below). */
export function errorMessage(lang: Lang, code: ErrorCode | "network"): string {
  return MESSAGES[lang][`error_${code}` satisfies MessageKey];
}

/**
 * The shopper's language: an explicit choice (cookie or `?lang=`) wins, then the best
 * match in `Accept-Language`, then English.
 */
export function chooseLang(explicit: string | null | undefined, acceptLanguage: string | null | undefined): Lang {
  if (explicit === "zh-CN" || explicit === "zh") return "zh-CN";
  if (explicit === "en") return "en";
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { tag: tag ?? "", q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}
