import { formatMoney } from "../../src/money.ts";
import { api, ApiError } from "./shared/api.ts";
import { ServerClock } from "./shared/clock.ts";
import { CanvasCountdown } from "./shared/countdown.ts";
import { pageEvents } from "./shared/events.ts";
import { t } from "./shared/i18n.ts";
import { syncOverHttp } from "./shared/time-sync.ts";

/**
 * Team-up red packets (issue 14). On `/teams`: the running campaigns, each with a button that
 * starts the shopper's team and opens its page. On `/teams/<id>`: the team as its members and
 * friends see it: avatars, seats left, a live countdown on the server's clock, the join button
 * for a friend, the shopper's share once it completed; the page reads the team again every
 * few seconds while it is open, so a friend's join shows up without a reload.
 */

interface Member {
  badge: string;
  hue: number;
  leader: boolean;
  you: boolean;
  joinedAt: number;
}

interface Team {
  id: string;
  title: string;
  status: "open" | "completed" | "expired";
  size: number;
  seatsLeft: number;
  poolAmount: number;
  split: "equal" | "random";
  joinRule: "anyone" | "new_shoppers";
  expiresAt: number;
  members: Member[];
  you: { role: "leader" | "member"; share: number | null } | null;
  sharePath: string;
}

interface Campaign {
  id: string;
  title: string;
  teamSize: number;
  poolAmount: number;
  split: "equal" | "random";
  joinRule: "anyone" | "new_shoppers";
  completeWithinSeconds: number;
}

const REFRESH_MS = 5_000;
const $ = (id: string) => document.getElementById(id);
const message = $("message")!;

function say(error: unknown): void {
  message.textContent = error instanceof ApiError ? error.message : t("error_internal");
}

function hours(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`;
}

/** One key per click: a retry of the same click (network trouble) must not start or join twice. */
function idempotencyKey(): string {
  return crypto.randomUUID();
}

async function campaignsPage(): Promise<void> {
  const list = $("campaigns")!;
  try {
    const { campaigns } = await api<{ campaigns: Campaign[] }>("/api/team-campaigns");
    $("teams-status")!.textContent = campaigns.length === 0 ? t("teamsNone") : "";
    list.replaceChildren(
      ...campaigns.map((campaign) => {
        const li = document.createElement("li");
        li.className = "campaign";
        li.dataset.campaign = campaign.id;
        const title = document.createElement("h2");
        title.textContent = campaign.title;
        const offer = document.createElement("p");
        offer.textContent = `${t("teamOffer", { size: campaign.teamSize, pool: formatMoney(campaign.poolAmount), time: hours(campaign.completeWithinSeconds) })} · ${t(`teamSplit_${campaign.split}`)} · ${t(`teamJoinRule_${campaign.joinRule}`)}`;
        const start = document.createElement("button");
        start.type = "button";
        start.textContent = t("startTeam");
        const key = idempotencyKey();
        start.addEventListener("click", async () => {
          start.disabled = true;
          message.textContent = "";
          try {
            const { team } = await api<{ team: Team }>(`/api/team-campaigns/${encodeURIComponent(campaign.id)}/teams`, {
              method: "POST",
              headers: { "Idempotency-Key": key },
            });
            location.assign(team.sharePath);
          } catch (error) {
            say(error);
            start.disabled = false;
          }
        });
        li.append(title, offer, start);
        return li;
      }),
    );
  } catch (error) {
    $("teams-status")!.textContent = "";
    say(error);
  }
}

/** A member as a round avatar: the badge's first two characters on the colour of its hue. */
function avatar(member: Member): HTMLLIElement {
  const li = document.createElement("li");
  li.className = "member";
  if (member.leader) li.dataset.leader = "true";
  if (member.you) li.dataset.you = "true";
  const face = document.createElement("span");
  face.className = "avatar";
  face.style.background = `hsl(${member.hue} 55% 45%)`;
  face.textContent = member.badge.slice(0, 2).toUpperCase();
  face.title = member.badge;
  const label = document.createElement("span");
  label.className = "member-label";
  label.textContent = [member.you ? t("teamYou") : member.badge, member.leader ? t("teamLeader") : ""].filter(Boolean).join(" · ");
  li.append(face, label);
  return li;
}

function emptySeat(): HTMLLIElement {
  const li = document.createElement("li");
  li.className = "member empty";
  const face = document.createElement("span");
  face.className = "avatar";
  face.textContent = "?";
  li.append(face);
  return li;
}

async function teamPage(root: HTMLElement): Promise<void> {
  const id = root.dataset.teamId!;
  const clock = new ServerClock();
  const countdown = new CanvasCountdown($("countdown") as HTMLCanvasElement, () => clock.now());
  const join = $("join") as HTMLButtonElement;
  let team: Team | null = null;
  let joinKey = idempotencyKey();

  const render = () => {
    if (!team) return;
    root.dataset.status = team.status;
    $("team-title")!.textContent = team.title;
    $("team-status")!.textContent = t(`teamStatus_${team.status}`);
    $("team-pool")!.textContent =
      `${t("teamOffer", { size: team.size, pool: formatMoney(team.poolAmount), time: "" }).replace(/ · $/, "")} · ${t(`teamSplit_${team.split}`)}`;
    $("members")!.replaceChildren(...team.members.map(avatar), ...Array.from({ length: team.seatsLeft }, emptySeat));
    const seats = $("seats")!;
    seats.dataset.seatsLeft = String(team.seatsLeft);
    seats.textContent = team.status === "open" ? t("teamSeatsLeft", { n: team.seatsLeft }) : team.seatsLeft === 0 ? t("teamFull") : "";
    const open = team.status === "open";
    $("team-clock")!.hidden = !open;
    if (open) countdown.countTo(team.expiresAt, () => void load());
    else countdown.stop();
    join.hidden = !open || team.you !== null;
    const share = $("my-share")!;
    share.hidden = team.you === null;
    if (team.you?.share != null) share.textContent = t("teamYourShare", { amount: formatMoney(team.you.share) });
    else if (team.you) share.textContent = team.you.role === "leader" ? t("teamYouLead") : t("teamYouMember");
  };

  const load = async () => {
    try {
      team = (await api<{ team: Team }>(`/api/teams/${encodeURIComponent(id)}`)).team;
      render();
    } catch (error) {
      root.dataset.status = "error";
      $("team-status")!.textContent = "";
      say(error);
    }
  };

  join.addEventListener("click", async () => {
    join.disabled = true;
    message.textContent = "";
    try {
      team = (
        await api<{ team: Team }>(`/api/teams/${encodeURIComponent(id)}/join`, { method: "POST", headers: { "Idempotency-Key": joinKey } })
      ).team;
      render();
    } catch (error) {
      say(error);
      // A refusal is final for this click; the next click is a new attempt.
      if (error instanceof ApiError && error.code !== "network") joinKey = idempotencyKey();
      await load();
    } finally {
      join.disabled = false;
    }
  });

  await syncOverHttp(clock);
  await load();
  setInterval(() => {
    if (team?.status === "open" && document.visibilityState === "visible") void load();
  }, REFRESH_MS);
}

const teamRoot = $("team");
if (teamRoot) await teamPage(teamRoot);
else await campaignsPage();
pageEvents.record({ type: "page_view" });
