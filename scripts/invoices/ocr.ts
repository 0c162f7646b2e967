/**
 * OCR of invoice prints with tesseract.js (issue 16), Node-side only, with PACKAGED data:
 * the engine's WebAssembly from the `tesseract.js-core` package and the English model from
 * `@tesseract.js-data/eng` (`4.0.0_best_int`, gzipped), both read from node_modules. Nothing
 * is downloaded at run time: `langPath` is a local folder and the cache is off.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createWorker, OEM, PSM, type Worker } from "tesseract.js";

const require = createRequire(import.meta.url);
/** The packaged English model's folder (holds eng.traineddata.gz). */
export const ENG_LANG_PATH = join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
/** The packaged engine (tesseract.js-core's wasm builds). */
const CORE_PATH = dirname(require.resolve("tesseract.js-core/package.json"));

/** One OCR engine, reused for every image it reads (loading the model takes ~1 s). */
export class InvoiceOcr {
  private worker: Promise<Worker> | null = null;

  private engine(): Promise<Worker> {
    this.worker ??= (async () => {
      const worker = await createWorker("eng", OEM.LSTM_ONLY, {
        langPath: ENG_LANG_PATH,
        corePath: CORE_PATH,
        gzip: true,
        cacheMethod: "none",
      });
      // A page of labelled lines; the characters an invoice's fields and labels use.
      await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, preserve_interword_spaces: "1" });
      return worker;
    })();
    return this.worker;
  }

  /** The text of an image (PNG or JPEG bytes). */
  async text(image: Uint8Array): Promise<string> {
    const worker = await this.engine();
    const { data } = await worker.recognize(Buffer.from(image));
    return data.text;
  }

  async close(): Promise<void> {
    if (this.worker) await (await this.worker).terminate();
    this.worker = null;
  }
}
