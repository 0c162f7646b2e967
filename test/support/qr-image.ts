import qrcode from "qrcode-generator";

/**
 * A QR code as a camera would see it, made for tests (issue 15): the text encoded by
 * qrcode-generator (the dependency the share panel draws its codes with), drawn as pixels with
 * a quiet zone, optionally set off-centre on a larger grey background.
 */
export interface QrPicture {
  width: number;
  height: number;
  /** One byte per pixel, 0 black to 255 white. */
  luma: Uint8Array;
}

export function qrPicture(
  text: string,
  options: { scale?: number; width?: number; height?: number; left?: number; top?: number } = {},
): QrPicture {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const modules = qr.getModuleCount();
  const scale = options.scale ?? 4;
  const quiet = 4;
  const side = (modules + 2 * quiet) * scale;
  const width = options.width ?? side;
  const height = options.height ?? side;
  const left = options.left ?? Math.floor((width - side) / 2);
  const top = options.top ?? Math.floor((height - side) / 2);
  const luma = new Uint8Array(width * height).fill(200); // a grey counter top around the white card
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const row = Math.floor(y / scale) - quiet;
      const column = Math.floor(x / scale) - quiet;
      const dark = row >= 0 && column >= 0 && row < modules && column < modules && qr.isDark(row, column);
      const px = left + x;
      const py = top + y;
      if (px >= 0 && py >= 0 && px < width && py < height) luma[py * width + px] = dark ? 20 : 250;
    }
  }
  return { width, height, luma };
}

/** The picture as RGBA pixels, as a canvas's getImageData gives them. */
export function rgba(picture: QrPicture): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(picture.width * picture.height * 4);
  picture.luma.forEach((value, i) => {
    data.set([value, value, value, 255], i * 4);
  });
  return { width: picture.width, height: picture.height, data };
}

/**
 * The picture as a Y4M video (YUV 4:2:0, `frames` identical frames at 10 fps): what Chromium's
 * `--use-file-for-fake-video-capture` plays as the camera.
 */
export function y4mVideo(picture: QrPicture, frames = 10): Buffer {
  const { width, height, luma } = picture;
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), Buffer.from(luma), chroma]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}
