import { decodeQR } from "qr/decode.js";

/**
 * Reads a QR code from a frame's pixels (issue 15): the till's decoder where the browser has no
 * `BarcodeDetector` (Firefox, Safari before 17, desktop Chrome on Linux and Windows). `qr`
 * (Paul Miller's, MIT or Apache-2.0, no dependencies) is the decoder: pure JS, built for camera
 * frames, and maintained; jsQR (Apache-2.0) reads the same codes but has had no release since
 * 2018. Loaded only by the till page, in a chunk of its own, and only once the camera needs it.
 * No DOM here, so a unit test can feed it a generated image.
 */

/** RGBA pixels, as a canvas's `getImageData` gives them. */
export interface Frame {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** The text of the QR code in the frame, or null when there is none it can read. */
export function decodeFrame(frame: Frame): string | null {
  try {
    return decodeQR({ width: frame.width, height: frame.height, data: frame.data }, { format: "RGBA" }) || null;
  } catch {
    return null; // no finder patterns, or a code too damaged to read: the next frame may do
  }
}
