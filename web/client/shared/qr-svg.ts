import qrcode from "qrcode-generator";

const SVG = "http://www.w3.org/2000/svg";

/**
 * The QR code of `text` as SVG (error correction M, the smallest version that holds it, the
 * standard 4-module quiet zone): one path of dark modules, crisp at any size, no inline style.
 * One drawing for every QR code the pages show: a share link (issue 14), a store coupon in the
 * wallet and a till's sign-in link in the console (issue 15).
 */
export function qrSvg(text: string, label: string): SVGSVGElement {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const modules = qr.getModuleCount();
  const quiet = 4;
  const size = modules + 2 * quiet;
  let d = "";
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (qr.isDark(row, col)) d += `M${col + quiet} ${row + quiet}h1v1h-1z`;
    }
  }
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.dataset.modules = String(modules);
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const dark = document.createElementNS(SVG, "path");
  dark.setAttribute("d", d);
  dark.setAttribute("fill", "#000");
  svg.append(background, dark);
  return svg;
}
