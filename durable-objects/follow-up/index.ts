import { DurableObject } from "cloudflare:workers";
import type { MessageChannel, OutboundMessage } from "../../src/channels/channel.ts";
import { MovableClock } from "../../src/clock.ts";
import { databaseSettings } from "../../src/config.ts";
import { CouponCatalog } from "../../src/coupons/coupon-catalog.ts";
import { withDatabase } from "../../src/db/client.ts";
import { messages } from "../../src/i18n/messages.ts";
import { deadlineText } from "../../src/presale-view/countdown-text.ts";
import { redactSecrets } from "../../src/redact.ts";
import { SaleCatalog } from "../../src/sales/sale-catalog.ts";
import { exited, nextWake, type Progress, runDueSteps, START, type StepOutcome, stepSent } from "../../src/sequences/enrolment.ts";
import { recordChannels, recordStepSent, type StepSend, stepKey } from "../../src/sequences/enrolment-store.ts";
import { stepTimes } from "../../src/sequences/schedule.ts";
import type { Sequence } from "../../src/sequences/sequence.ts";
import { SequenceCatalog } from "../../src/sequences/sequence-catalog.ts";
import { orderLink, renderTemplate } from "../../src/sequences/template.ts";
import { type EnrolmentStart, newEnrolmentId } from "../../src/sequences/trigger-intake.ts";
import { externalChannels } from "../../src/channels/external-channels.ts";

/** A step that could not be sent (Postgres, a pool, KV not answering) is tried again this much later. */
const RETRY_MS = 60_000;
/** A channel that refused a message is asked again this much later, at most this many times. */
const CHANNEL_RETRIES = 5;

/** A message on its way to the channels beyond the inbox, and which have taken it. */
interface ChannelDelivery {
  message: OutboundMessage;
  done: string[];
  attempts: number;
}

/** Everything the object keeps, one storage key (the sequence's snapshot is a few KB at most). */
interface State {
  enrolment: EnrolmentStart | null;
  /** The version enrolled under: a sequence edited later does not change a running enrolment. */
  sequence: Sequence | null;
  /** When each step goes out (quiet hours applied), fixed at the start. */
  times: number[];
  progress: Progress;
  channels: ChannelDelivery[];
}

const STATE_KEY = "state";
const EMPTY: State = { enrolment: null, sequence: null, times: [], progress: START, channels: [] };

/** What the object answers about itself: for the job and the tests. */
export interface FollowUpStatus {
  enrolmentId: string | null;
  progress: Progress;
  times: number[];
  alarm: number | null;
  channelsPending: number;
}

/**
 * One enrolment of a follow-up sequence (issue 17), named by the enrolment's id: it wakes by
 * its alarm when the next step is due and sends it, exactly once. A Durable Object alarm
 * rather than a Workflow (README, "Follow-up sequences"): the enrolment must be woken early to
 * stop (a purchase), its steps are short Postgres writes, and an alarm is retried by the
 * runtime until the handler succeeds — which is safe here because every effect of a step is
 * keyed by `<enrolment>:<step>`: the coupon (the CouponPool grants once per key), the send row
 * and the inbox message (unique keys in Postgres, the send row inserted first so a retried
 * alarm finds it and writes nothing), and the channels' messages (the key is their identity).
 *
 * Postgres is the record: the exit rules end an enrolment there (the intake job), and the
 * step's transaction locks the enrolment's row before it writes, so a purchase and a send are
 * ordered and a step of an ended enrolment is never written.
 */
export class FollowUp extends DurableObject<Env> {
  private readonly clock = new MovableClock();
  private state: State = EMPTY;
  /** The run under way: the alarm and a start arriving together share it. */
  private running: Promise<void> | null = null;
  /** Where messages go beyond the inbox: the environment's channels (tests put stand-ins here). */
  private outboundChannels: () => MessageChannel[] = () => externalChannels(this.env);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.state = (await ctx.storage.get<State>(STATE_KEY)) ?? EMPTY;
    });
  }

  /** The object's clock, for tests (src/clock.ts). Static: no part of its RPC surface. */
  static clockOf(followUp: FollowUp): MovableClock {
    return followUp.clock;
  }

  /** Replaces the object's channels (tests only: a stand-in that records or refuses). */
  static useChannels(followUp: FollowUp, channels: MessageChannel[]): void {
    followUp.outboundChannels = () => channels;
  }

  /**
   * Starts the enrolment on `sequence` (the version it was enrolled under), or answers how it
   * stands when it was started before: starting twice (the job's sweep after a lost call) is one
   * enrolment. Its steps' times are fixed here, from the enrolment's time and the shopper's zone.
   */
  async start(request: { enrolment: EnrolmentStart; sequence: Sequence; nextStep?: number }): Promise<FollowUpStatus> {
    if (!this.state.enrolment) {
      const { enrolment, sequence } = request;
      const times = stepTimes(sequence, enrolment.enrolledAt, enrolment.context.timeZone);
      const nextStep = Math.min(request.nextStep ?? 0, sequence.steps.length);
      this.save({ enrolment, sequence, times, progress: { ...START, nextStep } });
      await this.schedule();
    }
    return this.status();
  }

  /** The exit rules ended it (in Postgres already): nothing more is sent, the alarm is dropped. */
  async exit(reason: string): Promise<FollowUpStatus> {
    this.save({ progress: exited(this.state.progress, reason) });
    await this.schedule();
    return this.status();
  }

  /** Runs what is due now, as the alarm would: the job's sweep calls it for an object whose alarm was lost. */
  async wake(): Promise<FollowUpStatus> {
    await this.alarm();
    return this.status();
  }

  async status(): Promise<FollowUpStatus> {
    return {
      enrolmentId: this.state.enrolment?.id ?? null,
      progress: this.state.progress,
      times: this.state.times,
      alarm: await this.ctx.storage.getAlarm(),
      channelsPending: this.state.channels.length,
    };
  }

  /** Sends every step now due, in order, then what the channels still owe; wakes again for the next. */
  override async alarm(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  private async run(): Promise<void> {
    const { failed } = await runDueSteps(
      this.state.progress,
      this.state.times,
      () => this.clock.now(),
      (step) => this.sendStep(step),
      (progress) => this.save({ progress }),
    );
    const delivered = await this.deliverChannels();
    await this.schedule(failed || !delivered);
  }

  /** One step, its effects each keyed by the step (src/sequences/enrolment.ts's runDueSteps records the progress). */
  private async sendStep(step: number): Promise<StepOutcome> {
    const { enrolment, sequence } = this.state as Required<State> & { enrolment: EnrolmentStart; sequence: Sequence };
    const key = stepKey(enrolment.id, step);
    const now = this.clock.now();
    try {
      const couponId = await this.grantCoupon(sequence.steps[step]!.couponTemplate, key, enrolment.shopperId);
      const message = await this.render(step, couponId);
      const after = stepSent(this.state.progress, step, sequence.steps.length);
      const then = after.status === "completed" ? await this.handOver(sequence, enrolment, now) : null;
      const send: StepSend = {
        enrolmentId: enrolment.id,
        step,
        dueAt: this.state.times[step]!,
        sentAt: now,
        couponId,
        message: { shopperId: enrolment.shopperId, title: message.title, body: message.body, link: message.link },
        after: {
          nextStep: after.nextStep,
          nextAt: nextWake(after, this.state.times),
          status: after.status === "completed" ? "completed" : "active",
        },
        ...(then ? { handOver: then.enrolment } : {}),
      };
      const outcome = await withDatabase(databaseSettings(this.env), (db) => recordStepSent(db, send));
      if (outcome.outcome === "ended") return { outcome: "ended", reason: outcome.exitReason ?? outcome.status };
      const channels = this.outboundChannels();
      const delivery =
        outcome.outcome === "sent" && channels.length > 0
          ? [
              {
                message: {
                  idempotencyKey: key,
                  shopperId: enrolment.shopperId,
                  locale: enrolment.context.locale,
                  ...message,
                  link: message.link ?? undefined,
                },
                done: [],
                attempts: 0,
              },
            ]
          : [];
      this.save({ channels: [...this.state.channels, ...delivery] });
      if (then && outcome.outcome === "sent") await this.startNext(then.enrolment, then.sequence);
      return outcome;
    } catch (error) {
      console.error(`follow-up ${enrolment.id}: step ${step} not sent, trying again: ${redactSecrets((error as Error).message)}`);
      return { outcome: "failed" };
    }
  }

  /** The step's coupon from its template's pool, once by the step's key (a retry answers the same coupon). */
  private async grantCoupon(templateId: string | null, key: string, shopperId: string): Promise<string | null> {
    if (!templateId) return null;
    const template = await new CouponCatalog(this.env.SALES).find(templateId);
    if (!template) {
      console.error(`follow-up: no coupon template "${templateId}" to grant from; the step goes out without one`);
      return null;
    }
    const { coupon } = await this.env.COUPON_POOL.getByName(templateId).grant(template, {
      grantKey: key,
      shopperId,
      amountOff: null,
      validUntil: template.validUntil,
    });
    return coupon.id;
  }

  /** The step's title and body in the shopper's language, placeholders filled. */
  private async render(step: number, couponId: string | null) {
    const { enrolment, sequence } = this.state;
    const { locale, sku, orderId, deadline } = enrolment!.context;
    const s = sequence!.steps[step]!;
    const sale = sku ? await new SaleCatalog(this.env.SALES).find(sku).catch(() => null) : null;
    const t = messages(locale);
    const values = {
      name: t.followUp_nameFallback,
      product: sale?.title ?? sku ?? t.followUp_productFallback,
      coupon: couponId ?? "",
      // As the order page writes it (the shop's zone), so the message and the page agree.
      deadline: deadline === undefined ? "" : deadlineText(deadline, locale),
    };
    return {
      title: renderTemplate(s.title[locale], values),
      body: renderTemplate(s.body[locale], values),
      link: orderLink(s.link, orderId),
    };
  }

  /** The enrolment the `thenEnrol` sequence takes over with, written with the last step; null when there is none to run. */
  private async handOver(sequence: Sequence, enrolment: EnrolmentStart, now: number) {
    if (!sequence.thenEnrol) return null;
    const next = await new SequenceCatalog(this.env.SALES).find(sequence.thenEnrol);
    if (!next?.active) return null;
    const start: EnrolmentStart = {
      id: newEnrolmentId(),
      sequenceId: next.id,
      sequenceVersion: next.version,
      shopperId: enrolment.shopperId,
      triggerId: `then:${enrolment.id}`,
      enrolledAt: now,
      context: enrolment.context,
    };
    return { enrolment: { ...start, nextAt: stepTimes(next, now, enrolment.context.timeZone)[0]! }, sequence: next };
  }

  /** Starts the next sequence's object; if it does not answer, the job's sweep starts it from its row. */
  private async startNext(enrolment: EnrolmentStart, sequence: Sequence): Promise<void> {
    try {
      await this.env.FOLLOW_UP.getByName(enrolment.id).start({ enrolment, sequence });
    } catch (error) {
      console.error(`follow-up ${enrolment.id}: not started (the job will): ${redactSecrets((error as Error).message)}`);
    }
  }

  /** Sends what the channels still owe; answers false while some remain to try again. */
  private async deliverChannels(): Promise<boolean> {
    if (this.state.channels.length === 0) return true;
    const channels = this.outboundChannels();
    const left: ChannelDelivery[] = [];
    for (const delivery of this.state.channels) {
      const done = [...delivery.done];
      for (const channel of channels.filter((c) => !done.includes(c.name))) {
        try {
          await channel.send(delivery.message);
          done.push(channel.name);
        } catch (error) {
          console.error(
            `follow-up: ${channel.name} did not take ${delivery.message.idempotencyKey}: ${redactSecrets((error as Error).message)}`,
          );
        }
      }
      await withDatabase(databaseSettings(this.env), (db) => recordChannels(db, delivery.message.idempotencyKey, done)).catch(
        () => undefined,
      );
      const attempts = delivery.attempts + 1;
      if (done.length < channels.length && attempts < CHANNEL_RETRIES) left.push({ ...delivery, done, attempts });
      else if (done.length < channels.length)
        console.error(`follow-up: ${delivery.message.idempotencyKey} given up on after ${attempts} tries`);
    }
    this.save({ channels: left });
    return left.length === 0;
  }

  /** The alarm: the next step's time, or a retry after a failure, or none once there is nothing left. */
  private async schedule(afterFailure = false): Promise<void> {
    const now = this.clock.now();
    const wake = nextWake(this.state.progress, this.state.times);
    const candidates = [wake, afterFailure || this.state.channels.length > 0 ? now + RETRY_MS : null].filter(
      (at): at is number => at !== null,
    );
    const at = afterFailure && wake !== null && wake <= now ? now + RETRY_MS : candidates.length > 0 ? Math.min(...candidates) : null;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  private save(change: Partial<State>): void {
    this.state = { ...this.state, ...change };
    void this.ctx.storage.put(STATE_KEY, this.state);
  }
}
