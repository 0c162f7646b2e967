import type { SequenceInput } from "./sequence.ts";

/**
 * The follow-up sequences `npm start` seeds (issue 17): the seed's 7-day SOP after a first
 * purchase (day 0, 1, 3 with the demo ¥50-off coupon, 7), and a reminder an hour after a
 * checkout was abandoned. Both end when the shopper buys again. And (issue 19) the presale
 * balance reminders: when a deposit-paid order's balance window opens, and again a day before it
 * closes, a message linking to the order (`{order}` in the link); each ends when the shopper pays
 * (the balance paid is an order paid).
 */
export function demoSequences(): SequenceInput[] {
  return [
    {
      id: "first-purchase-7-day",
      name: "首单7天跟进 · First purchase, 7 days",
      trigger: { kind: "order_paid", segment: null, firstPurchaseOnly: true },
      steps: [
        {
          after: { days: 0, hours: 0 },
          title: { "zh-CN": "感谢您的首单", en: "Thank you for your first order" },
          body: {
            "zh-CN": "{name}，感谢购买{product}！有任何问题，点右下角随时问顾问。",
            en: "Hi {name}, thank you for buying {product}! Ask an adviser any time from the corner button.",
          },
        },
        {
          after: { days: 1, hours: 0 },
          title: { "zh-CN": "使用小贴士", en: "Getting started" },
          body: {
            "zh-CN": "{name}，{product}用得怎么样？顾问整理了几条使用建议。",
            en: "Hi {name}, how is {product} going? Your adviser has a few tips.",
          },
        },
        {
          after: { days: 3, hours: 0 },
          title: { "zh-CN": "送您一张券", en: "A coupon for you" },
          body: {
            "zh-CN": "{name}，送您一张{coupon}，下次购物可用。",
            en: "Hi {name}, here is a coupon for next time: {coupon}.",
          },
          couponTemplate: "double11-300-50",
          link: "/me",
        },
        {
          after: { days: 7, hours: 0 },
          title: { "zh-CN": "一周回访", en: "One week on" },
          body: {
            "zh-CN": "{name}，{product}已经陪您一周了，欢迎告诉我们您的感受。",
            en: "Hi {name}, it's been a week with {product}: tell us how you find it.",
          },
        },
      ],
    },
    {
      id: "abandoned-checkout",
      name: "未付款提醒 · Abandoned checkout",
      trigger: { kind: "checkout_abandoned", segment: null, firstPurchaseOnly: false },
      steps: [
        {
          after: { days: 0, hours: 1 },
          title: { "zh-CN": "您的订单还没付款", en: "Your order is waiting" },
          body: {
            "zh-CN": "{name}，{product}还在等您，库存有限，尽快下单吧。",
            en: "Hi {name}, {product} is still there, but stock is limited.",
          },
        },
      ],
    },
    presaleReminder("presale-balance-reminder", "预售尾款提醒 · Presale balance reminder", "balance_window_opened", {
      title: { "zh-CN": "尾款开始支付啦", en: "Your balance can be paid now" },
      body: {
        "zh-CN": "{name}，您预订的{product}已开始支付尾款，请在 {deadline} 前付清，逾期订单失效。",
        en: "Hi {name}, the balance for {product} can be paid now. Pay it by {deadline}, or the order is forfeited.",
      },
    }),
    presaleReminder("presale-balance-last-day", "预售尾款最后一天 · Presale balance, last day", "balance_window_closing", {
      title: { "zh-CN": "尾款支付最后一天", en: "Last day to pay your balance" },
      body: {
        "zh-CN": "{name}，您预订的{product}尾款将于 {deadline} 截止，逾期订单失效，请尽快付清。",
        en: "Hi {name}, the balance for {product} is due by {deadline}. Pay it now, or the order is forfeited.",
      },
    }),
  ];
}

type Words = { "zh-CN": string; en: string };

/**
 * A presale reminder: one message as the trigger fires, linking to the order. No quiet hours:
 * it must reach the shopper inside the balance window, which may be short.
 */
function presaleReminder(
  id: string,
  name: string,
  kind: "balance_window_opened" | "balance_window_closing",
  message: { title: Words; body: Words },
): SequenceInput {
  return {
    id,
    name,
    trigger: { kind, segment: null, firstPurchaseOnly: false },
    quietHours: null,
    steps: [{ after: { days: 0, hours: 0 }, ...message, link: "/orders/{order}" }],
  };
}
