/** The marketer console's stylesheet: plain, dense, readable on a laptop and a phone. */
export const CONSOLE_STYLE = `
  :root { font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1d1d1f; font-size: 15px; }
  body { margin: 0; background: #f4f5f7; }
  header { display: flex; gap: 12px; align-items: center; background: #1d1d1f; color: #fff; padding: 10px 20px; }
  header .muted { color: #bbb; margin-left: auto; }
  main { max-width: 1200px; margin: 0 auto; padding: 16px; }
  h1 { font-size: 22px; } h2 { font-size: 18px; margin: 8px 0; }
  .card { background: #fff; border-radius: 10px; padding: 16px; margin: 12px 0; box-shadow: 0 1px 3px #0002; }
  .toolbar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; justify-content: space-between; }
  .toolbar > span { margin-left: auto; }
  .muted { color: #777; font-size: 13px; }
  button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid #e1251b; background: #e1251b; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #1d1d1f; border-color: #ccc; }
  button.link { background: none; border: none; color: #fff; text-decoration: underline; }
  button:disabled { opacity: .5; cursor: default; }
  label { display: block; margin: 8px 0; }
  label.inline { display: flex; gap: 8px; align-items: center; }
  input, textarea { font: inherit; padding: 5px 8px; border: 1px solid #bbb; border-radius: 5px; box-sizing: border-box; }
  label > input:not([type=checkbox]), label > textarea { display: block; width: 100%; max-width: 520px; margin-top: 3px; }
  td input { width: 100%; min-width: 70px; }
  fieldset { border: 1px solid #ddd; border-radius: 8px; margin: 12px 0; padding: 8px 12px; }
  legend { font-weight: 600; }
  table { border-collapse: collapse; width: 100%; }
  th, td { padding: 6px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .sales { overflow-x: auto; }
  .phase { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px; background: #eee; }
  .phase-live { background: #e1251b; color: #fff; } .phase-upcoming { background: #ffb400; } .phase-paused { background: #5b6cff; color: #fff; }
  .invalid { border-color: #d00 !important; background: #fff5f5; }
  .problem { color: #b00; font-size: 13px; margin-top: 3px; }
  #flash { padding: 8px 12px; border-radius: 6px; background: #e8f6ec; }
  #flash.error { background: #fdecec; color: #900; }
  .actions { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
  .actions input { width: 80px; }
  .changes { margin: 0; padding-left: 18px; }
`;
