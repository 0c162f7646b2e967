import { parseYuan } from "../../../src/money.ts";
import { readTime } from "./local-time.ts";

/** What a form says when a field cannot be converted, in its view's words. */
export interface ConversionWords {
  need_amount: string;
  need_number: string;
  need_time: string;
}

/**
 * Reading a console form's fields in the API's units (the coupon and team campaign forms):
 * whole numbers, yuan as integer fen, local time as epoch ms, comma lists. What cannot be
 * converted is noted as a problem at the field's API path ("path: message"); everything else
 * is the API's to judge, so its rules and messages stay in one place.
 */
export class FormFields {
  readonly problems: string[] = [];
  private readonly form: HTMLFormElement;
  private readonly words: ConversionWords;

  constructor(form: HTMLFormElement, words: ConversionWords) {
    this.form = form;
    this.words = words;
  }

  /** The problem `message` at `path`. */
  note(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  text(name: string): string {
    return input(this.form, name).value.trim();
  }

  /** A whole number; `path` defaults to the input's name. */
  count(name: string, path = name): number {
    const text = this.text(name);
    if (!/^-?\d+$/.test(text)) this.note(path, this.words.need_number);
    return Number(text);
  }

  /** Yuan as integer fen; empty is 0 unless `required`. */
  fen(name: string, path = name, required = false): number {
    const text = this.text(name);
    const value = text || !required ? parseYuan(text || "0") : null;
    if (value === null) this.note(path, this.words.need_amount);
    return value ?? Number.NaN;
  }

  /** A datetime-local input as epoch ms. */
  time(name: string, path = name): number {
    const ms = readTime(input(this.form, name));
    if (ms === null) this.note(path, this.words.need_time);
    return ms ?? Number.NaN;
  }

  /** A comma (or space) separated list, Chinese commas too. */
  list(name: string): string[] {
    return this.text(name)
      .split(/[,，\s]+/)
      .map((item) => item.trim())
      .filter(Boolean);
  }
}

/** The form's input of that name. */
export function input(form: HTMLFormElement, name: string): HTMLInputElement {
  return control(form, name, HTMLInputElement);
}

/** The form's select of that name. */
export function select(form: HTMLFormElement, name: string): HTMLSelectElement {
  return control(form, name, HTMLSelectElement);
}

/** The form's control of that name and type. */
export function control<T extends Element>(form: HTMLFormElement, name: string, type: new () => T): T {
  const el = form.elements.namedItem(name);
  if (!(el instanceof type)) throw new Error(`the form #${form.id} has no ${type.name} "${name}"`);
  return el;
}
