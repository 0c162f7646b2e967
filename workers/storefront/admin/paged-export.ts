import { describeDatabaseFailure } from "../../../src/db/errors.ts";

const encoder = new TextEncoder();

/**
 * A CSV download read from Postgres a page at a time, as the client takes it (segments,
 * lookalike audiences): the header first, then each page's lines, then the next page after the
 * last row sent. The connection is closed at the end, on a failure and when the client goes away;
 * a failure mid-way ends the download with an error (a truncated file is never a complete one)
 * and is logged under `log`.
 */
export function pagedExport<Row>(options: {
  log: string;
  header: string;
  first: Row[];
  pageSize: number;
  lines: (page: Row[]) => string | Promise<string>;
  next: (last: Row) => Promise<Row[]>;
  close: () => Promise<void>;
}): ReadableStream<Uint8Array> {
  const close = () => options.close().catch(() => undefined);
  let page: Row[] | null = options.first;
  let sentHeader = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!sentHeader) {
          sentHeader = true;
          controller.enqueue(encoder.encode(options.header));
          return;
        }
        if (page === null) {
          await close();
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(await options.lines(page)));
        const last = page.at(-1);
        page = page.length < options.pageSize || last === undefined ? null : await options.next(last);
      } catch (error) {
        console.error(`${options.log}: the export stopped (${describeDatabaseFailure(error).summary})`);
        await close();
        controller.error(new Error("the export stopped: Postgres could not be read"));
      }
    },
    async cancel() {
      await close();
    },
  });
}
