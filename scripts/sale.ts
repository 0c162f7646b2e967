/**
 * `npm run sale`: manage sales from a terminal through the admin API (issue 6), the same
 * endpoints the marketer console at /admin uses: validated, versioned, told to the SKU's
 * object at once, and audited.
 *
 *   ADMIN_TOKEN=… npm run sale -- list [--phase live|paused|upcoming|sold_out|ended]
 *   ADMIN_TOKEN=… npm run sale -- get <sku>                  # the sale as JSON (edit it, then update --file)
 *   ADMIN_TOKEN=… npm run sale -- create --file sale.json
 *   ADMIN_TOKEN=… npm run sale -- create --sku earbuds-1111 --title "Earbuds" --list-price 599 --stock 500 \
 *                   --starts-at 2026-11-11T00:00+08:00 --ends-at +1d --tier 1-100:299.50:"First 100" --limit 2
 *   ADMIN_TOKEN=… npm run sale -- update <sku> --top-up 200 --extend 2h
 *   ADMIN_TOKEN=… npm run sale -- update <sku> --file sale.json
 *   ADMIN_TOKEN=… npm run sale -- pause <sku>  |  resume <sku>  |  history <sku>
 *
 * Global: --url (default http://127.0.0.1:8787), --actor (default $ADMIN_ACTOR, else $USER).
 * Exit codes: 0 done, 1 refused by the API (every problem printed), 2 usage or no answer.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { SaleConfig, SaleConfigInput } from "../src/sales/sale-config.ts";
import type { SkuSnapshot } from "../src/sales/snapshot.ts";
import { CliError, runCli } from "./cli/run.ts";
import { applySaleFlags, SALE_FLAGS, type SaleFlags } from "./sale/args.ts";
import { AdminClient } from "./sale/client.ts";
import { changes, describeSale, when } from "./sale/format.ts";

const USAGE = `usage: npm run sale -- <command> [options]

  list [--phase upcoming|live|paused|sold_out|ended]
  get <sku>
  create --file sale.json | --sku … --title … --list-price <yuan> --stock <n> --starts-at <time> --ends-at <time> [more flags]
  update <sku> [--file sale.json] [--stock <n> | --top-up <n>] [--ends-at <time> | --extend <30m|2h|1d>] [more flags]
  pause <sku>
  resume <sku>
  history <sku> [--limit <n>]

sale flags: --title --description --image (repeat) --list-price <yuan> --stock --starts-at --ends-at
            --limit <per shopper> --hold-seconds --shards <1-16> --tier <from-to:yuan[:label]> (repeat) --no-tiers
            --gift <id,title,from,until,count> (repeat) --no-gifts --paused
            --waiting-room <per second>[,<ticket seconds>] --no-waiting-room
            --member-prices (members pay their tier's price) --no-member-prices
times:      2026-11-11T00:00+08:00, epoch ms, now, +30m, -1h, +2d (no offset: this machine's local time)
a --file holds the API's JSON: prices in fen, times in epoch ms; flags given too override it
global:     --url <storefront> (default http://127.0.0.1:8787)  --actor <name for the audit log>
env:        ADMIN_TOKEN (required; npm start prints it), ADMIN_ACTOR`;

/** The parts of the admin API's answers this script reads (workers/storefront/admin/sales.ts). */
type AdminSale = { phase: string; sale: SaleConfig; live: { snapshot: SkuSnapshot } | null };
type SaleSaved = { sale: SaleConfig; changed: boolean };

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...SALE_FLAGS,
      url: { type: "string", default: "http://127.0.0.1:8787" },
      actor: { type: "string" },
      phase: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, sku, ...extra] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (extra.length > 0) throw new CliError(`unexpected arguments: ${extra.join(" ")}\n\n${USAGE}`);
  const token = process.env.ADMIN_TOKEN;
  if (!token) throw new CliError("ADMIN_TOKEN is not set: it is the storefront's admin token (npm start prints it).");
  const client = new AdminClient({ url: values.url, token, actor: values.actor ?? process.env.ADMIN_ACTOR ?? process.env.USER });
  const flags: SaleFlags = values;
  const now = Date.now();
  const needSku = () => {
    if (!sku) throw new CliError(`${command} needs a SKU: npm run sale -- ${command} <sku>`);
    return encodeURIComponent(sku);
  };

  switch (command) {
    case "list": {
      const query = values.phase ? `?phase=${encodeURIComponent(values.phase)}` : "";
      const { sales } = await client.get<{ sales: AdminSale[] }>(`/sales${query}`);
      console.table(
        sales.map(({ phase, sale, live }) => ({
          phase,
          sku: sale.sku,
          title: sale.title,
          version: sale.version,
          starts: when(sale.startsAt),
          ends: when(sale.endsAt),
          sold: live?.snapshot.stock.sold ?? "-",
          held: live?.snapshot.stock.held ?? "-",
          remaining: live ? `${live.snapshot.stock.remaining}/${live.snapshot.stock.total}` : `-/${sale.stock}`,
        })),
      );
      return;
    }
    case "get": {
      const { sale } = await client.get<AdminSale>(`/sales/${needSku()}`);
      console.log(JSON.stringify(sale, null, 2));
      return;
    }
    case "create": {
      const draft = applySaleFlags(readFile(values.file) ?? {}, flags, now);
      if (sku && !draft.sku) draft.sku = sku;
      const { sale } = await client.send<SaleSaved>("POST", "/sales", withoutBookkeeping(draft));
      console.log(`created, in effect now:\n${describeSale(sale).join("\n")}`);
      return;
    }
    case "update": {
      const { sale: current } = await client.get<AdminSale>(`/sales/${needSku()}`);
      const file = readFile(values.file);
      // An exported file names the version it was edited from: a save since then is a conflict.
      const expectedVersion = typeof file?.version === "number" ? file.version : current.version;
      const draft = applySaleFlags(file ?? current, flags, now);
      const { sale } = await client.send<SaleSaved>("PUT", `/sales/${needSku()}`, { ...withoutBookkeeping(draft), expectedVersion });
      console.log(`saved ${sale.sku} version ${sale.version}, in effect now:`);
      for (const line of changes(current, sale)) console.log(`  ${line}`);
      return;
    }
    case "pause":
    case "resume": {
      const { sale, changed } = await client.send<SaleSaved>("POST", `/sales/${needSku()}/${command}`);
      console.log(
        changed
          ? `${command}d ${sale.sku} (version ${sale.version})`
          : `${sale.sku} was already ${command === "pause" ? "paused" : "running"}: nothing changed`,
      );
      return;
    }
    case "history": {
      const limit = values.limit ?? "50"; // for history, --limit is how many versions
      const { versions } = await client.get<{ versions: SaleConfig[] }>(`/sales/${needSku()}/history?limit=${encodeURIComponent(limit)}`);
      versions.forEach((version, index) => {
        console.log(`v${version.version}  ${when(version.updatedAt)}  ${version.updatedBy ?? "(written to KV directly)"}`);
        for (const line of changes(versions[index + 1] ?? null, version)) console.log(`    ${line}`);
      });
      return;
    }
    default:
      throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

function readFile(path: string | undefined): (Partial<SaleConfigInput> & { version?: number }) | null {
  if (path === undefined) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(`--file ${path}: ${(error as Error).message}`);
  }
}

/** The server keeps version, updatedAt and updatedBy itself; a file exported with `get` has them. */
function withoutBookkeeping(sale: Partial<SaleConfigInput> & { version?: number }) {
  const { version: _v, updatedAt: _a, updatedBy: _b, ...draft } = sale;
  return draft;
}

await runCli(main, USAGE);
