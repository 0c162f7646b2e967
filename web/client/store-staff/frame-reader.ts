/**
 * What reads a QR code from the camera's video (issue 15): the browser's own `BarcodeDetector`
 * where it has one that knows QR codes (Chrome on Android and macOS, Safari 17+), else frames
 * drawn on a canvas and decoded in JS (qr-decode.ts, fetched only then).
 */

/** The part of the Barcode Detection API the till uses (not yet in TypeScript's DOM types). */
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?(): Promise<string[]>;
}

/** Reads one frame: the code's text, or null when none is in view. */
export type ReadFrame = () => Promise<string | null>;

/** Frames are scaled down to this width: enough for a QR code held up to a phone, and fast to decode. */
const MAX_FRAME_WIDTH = 640;

async function nativeDetector(): Promise<BarcodeDetectorLike | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const formats = (await Detector.getSupportedFormats?.()) ?? ["qr_code"];
    return formats.includes("qr_code") ? new Detector({ formats: ["qr_code"] }) : null;
  } catch {
    return null;
  }
}

/** How the page reads `video`: which way (for the status line and the tests) and the reader. */
export async function frameReader(video: HTMLVideoElement): Promise<{ way: "native" | "js"; read: ReadFrame }> {
  const native = await nativeDetector();
  if (native) {
    return {
      way: "native",
      read: async () => {
        try {
          return (await native.detect(video))[0]?.rawValue ?? null;
        } catch {
          return null;
        }
      },
    };
  }
  const { decodeFrame } = await import("./qr-decode.ts");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return {
    way: "js",
    read: async () => {
      const { videoWidth, videoHeight } = video;
      if (!context || videoWidth === 0 || videoHeight === 0) return null;
      const scale = Math.min(1, MAX_FRAME_WIDTH / videoWidth);
      canvas.width = Math.round(videoWidth * scale);
      canvas.height = Math.round(videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      return decodeFrame(context.getImageData(0, 0, canvas.width, canvas.height));
    },
  };
}
