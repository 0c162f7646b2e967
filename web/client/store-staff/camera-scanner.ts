import { frameReader } from "./frame-reader.ts";

/**
 * The till's camera (issue 15): the rear camera through getUserMedia, a frame read every
 * SCAN_EVERY_MS until a QR code is found, then the camera is let go (a phone's camera left on
 * drains it, and the shopper's code is read once). What stands in the way is named, so the page
 * can say why it falls back to the typed code: an insecure page (the browser offers no camera
 * outside https or localhost), no camera at all, permission refused, or a camera that failed.
 */
export type CameraTrouble = "insecure" | "none" | "denied" | "failed";

const SCAN_EVERY_MS = 150;

/** Why the page cannot have a camera, before asking for one; null when it may ask. */
export function cameraTrouble(): CameraTrouble | null {
  if (!window.isSecureContext) return "insecure";
  if (!navigator.mediaDevices?.getUserMedia) return "none";
  return null;
}

function troubleOf(error: unknown): CameraTrouble {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "none";
  return "failed"; // NotReadableError (another app holds the camera) and the rest
}

export class CameraScanner {
  private readonly video: HTMLVideoElement;
  private stream: MediaStream | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every start and stop: a frame read for an earlier start finds nothing to do. */
  private run = 0;

  constructor(video: HTMLVideoElement) {
    this.video = video;
  }

  get running(): boolean {
    return this.stream !== null;
  }

  /**
   * Starts the camera and scans until `take` takes a code it read (true: the camera stops; false,
   * a QR code that is no coupon's: scanning goes on) or `stop`; the trouble when it cannot.
   */
  async start(take: (text: string) => boolean, reading?: (way: "native" | "js") => void): Promise<CameraTrouble | null> {
    const trouble = cameraTrouble();
    if (trouble) return trouble;
    this.stop();
    const run = ++this.run;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
    } catch (error) {
      return troubleOf(error);
    }
    if (run !== this.run) {
      for (const track of stream.getTracks()) track.stop();
      return null; // stopped while the browser asked
    }
    this.stream = stream;
    this.video.srcObject = stream;
    this.video.hidden = false;
    try {
      await this.video.play();
    } catch {
      // autoplay of a muted, inline video is allowed; a refusal here still shows frames on most browsers
    }
    const { way, read } = await frameReader(this.video);
    reading?.(way);
    const tick = async () => {
      if (run !== this.run) return;
      const text = await read();
      if (run !== this.run) return;
      if (text && take(text)) {
        this.stop();
        return;
      }
      this.timer = setTimeout(() => void tick(), SCAN_EVERY_MS);
    };
    void tick();
    return null;
  }

  stop(): void {
    this.run += 1;
    clearTimeout(this.timer);
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.video.srcObject = null;
    this.video.hidden = true;
  }
}
