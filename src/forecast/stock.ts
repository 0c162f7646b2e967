/**
 * The stock to order for an upcoming sale (issue 19): enough to cover the forecast demand over
 * the sale's days at a chosen service level (0.9: demand is below it nine sales in ten), and
 * never less than the presale deposits expected to convert.
 *
 * The library gives each day an 80 % and a 95 % interval; each implies a normal spread
 * (σ = half-width / z), and the day's σ is their mean. Days' errors are summed as if fully
 * correlated (Σσ, not √Σσ²): a forecast that is off is off on every day of the window together
 * (the level or the trend was wrong), and independence would understate the risk of a stock-out.
 */
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { shopDay } from "./daily-series.ts";
import { dateOfDay } from "./festivals.ts";
import type { ForecastPoint, StockRecommendation } from "./forecast-record.ts";

const Z80 = normalQuantile(0.9, 0, 1);
const Z95 = normalQuantile(0.975, 0, 1);

/** One day's standard deviation implied by its two bands. */
export function impliedSigma(point: ForecastPoint): number {
  const from80 = (point.upper80 - point.lower80) / (2 * Z80);
  const from95 = (point.upper95 - point.lower95) / (2 * Z95);
  return Math.max(0, (from80 + from95) / 2);
}

/** The window's total units at `serviceLevel` (a quantile of the summed days' demand), ≥ 0. */
export function windowQuantile(points: readonly ForecastPoint[], serviceLevel: number): number {
  if (!(serviceLevel > 0 && serviceLevel < 1)) throw new RangeError(`service level must be between 0 and 1; got ${serviceLevel}`);
  const mean = points.reduce((s, p) => s + p.mean, 0);
  const sigma = points.reduce((s, p) => s + impliedSigma(p), 0);
  return Math.max(0, mean + normalQuantile(serviceLevel, 0, 1) * sigma);
}

export interface EndedPresaleOrder {
  qty: number;
  /** How the order ended once its balance window closed. */
  outcome: "paid" | "forfeited";
}

/**
 * Deposit-to-final conversion learned from ended presales: units whose balance was paid over
 * units whose deposit was paid. With no ended presale yet it is 1 (every deposit assumed to
 * convert: stocking short for a paid deposit is the worse mistake), and `basis` says 0.
 */
export function conversionRate(orders: readonly EndedPresaleOrder[]): { rate: number; basis: number } {
  let deposited = 0;
  let paid = 0;
  for (const order of orders) {
    deposited += order.qty;
    if (order.outcome === "paid") paid += order.qty;
  }
  return deposited === 0 ? { rate: 1, basis: 0 } : { rate: paid / deposited, basis: deposited };
}

/** What to stock: the larger of the forecast at the service level and deposits × conversion, whole units. */
export function recommendedUnits(forecastUnits: number, depositUnits: number, conversion: number): number {
  return Math.ceil(Math.max(forecastUnits, depositUnits * conversion) - 1e-9);
}

/** A SKU's own conversion when it has ended presales, else the shop's (else 1, as conversionRate says). */
export function conversionFor(ended: readonly (EndedPresaleOrder & { sku: string })[], sku: string): { rate: number; basis: number } {
  const own = conversionRate(ended.filter((order) => order.sku === sku));
  return own.basis > 0 ? own : conversionRate(ended);
}

/** A sale as the recommendation needs it: its window (epoch ms, end exclusive) and its configured stock. */
export interface SaleToStock {
  sku: string;
  startsAt: number;
  endsAt: number;
  stock: number;
}

/**
 * The sale's calendar days in the shop's zone (Asia/Shanghai), `YYYY-MM-DD`, first to last. The
 * end is exclusive: a sale ending at midnight does not take the next day.
 */
export function saleDays(sale: { startsAt: number; endsAt: number }): string[] {
  const first = shopDay(sale.startsAt);
  const last = shopDay(Math.max(sale.startsAt, sale.endsAt - 1));
  return Array.from({ length: last - first + 1 }, (_, i) => dateOfDay(first + i));
}

/**
 * The stock recommendation for one sale from a forecast's daily points: the window's demand at
 * the service level over the sale's days the forecast covers, against deposits × conversion.
 * `coveredDays` < `saleDays` says the forecast's horizon ends before the sale does (or the sale
 * began before the forecast was made), so the forecast part is short by the days left out.
 */
export function recommendStock(input: {
  points: readonly ForecastPoint[];
  sale: SaleToStock;
  depositUnits: number;
  conversion: { rate: number; basis: number };
  serviceLevel: number;
}): StockRecommendation {
  const { sale, depositUnits, conversion, serviceLevel } = input;
  const days = new Set(saleDays(sale));
  const inWindow = input.points.filter((p) => days.has(p.date));
  const forecastUnits = inWindow.length ? windowQuantile(inWindow, serviceLevel) : 0;
  return {
    sku: sale.sku,
    startsAt: sale.startsAt,
    endsAt: sale.endsAt,
    serviceLevel,
    depositUnits,
    conversionRate: conversion.rate,
    conversionBasis: conversion.basis,
    forecastUnits,
    recommendedUnits: recommendedUnits(forecastUnits, depositUnits, conversion.rate),
    currentStock: sale.stock,
    saleDays: days.size,
    coveredDays: inWindow.length,
  };
}
