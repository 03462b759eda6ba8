// Drives Debian's headless Chromium (playwright-core) against a running aggregator whose store
// board_seed filled: every tile with its state and colour, the mesh graph's nodes and edges,
// the page's use of nothing but its own origin, the auto-refresh, and a full-page screenshot.
// Usage: node status_board.js NODE_MODULES URL EXPECTED.json SCREENSHOT.png ADD_CMD...
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const [modules, url, expectedPath, shotPath, ...addCmd] = process.argv.slice(2);
const { chromium } = require(path.join(modules, "playwright-core"));
const expected = JSON.parse(fs.readFileSync(expectedPath, "utf8"));
// The board's CSS colours (board_page.cc), as getComputedStyle reports them.
const COLOUR = {
  ok: "rgb(30, 126, 52)",
  warn: "rgb(249, 171, 0)",
  late: "rgb(197, 34, 31)",
  silent: "rgb(95, 99, 104)",
};

let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.log("FAIL: " + what);
  }
}

async function gotoWhenUp(page) {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await page.goto(url, { timeout: 3000 });
      if (r && r.ok()) return r;
    } catch (e) {
      /* not listening yet */
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error("the board never answered at " + url);
}

(async () => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const origin = new URL(url).origin;
  const foreign = [];
  const errors = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) foreign.push(r.url());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

  const resp = await gotoWhenUp(page);
  const csp = resp.headers()["content-security-policy"] || "";
  check(csp.includes("default-src 'none'"), "Content-Security-Policy forbids other origins");
  await page.waitForSelector(".tile");

  const tiles = await page.$$eval(".tile", (els) =>
    els.map((e) => ({
      unit: e.dataset.unit,
      state: e.dataset.state,
      bg: getComputedStyle(e).backgroundColor,
      text: e.innerText,
    }))
  );
  const units = Object.keys(expected.units);
  check(tiles.length === units.length, `${tiles.length} tiles, want ${units.length}`);
  for (const t of tiles) {
    const want = expected.units[t.unit];
    check(want !== undefined, `unexpected tile ${t.unit}`);
    check(t.state === want, `${t.unit}: state ${t.state}, want ${want}`);
    check(t.bg === COLOUR[want], `${t.unit}: background ${t.bg}, want ${COLOUR[want]} (${want})`);
    check(t.text.includes("Kontak terakhir:"), `${t.unit}: no last contact line`);
    const arrivals = expected.arrivals[t.unit] || 0;
    check(t.text.includes("Masuk hari ini: " + arrivals), `${t.unit}: want ${arrivals} arrivals`);
  }
  const byUnit = Object.fromEntries(tiles.map((t) => [t.unit, t]));
  check(/belum pernah/.test(byUnit["setwan"]?.text), "setwan: 'belum pernah' (never reported)");
  check(/Antrean: 1\.200/.test(byUnit["kec-taman-rajo"]?.text), "kec-taman-rajo: queue 1.200");
  check(/Antrean: 350/.test(byUnit["kec-sungai-bahar"]?.text), "kec-sungai-bahar: queue 350");
  check(/2 jam lalu/.test(byUnit["kec-kumpeh"]?.text), "kec-kumpeh: last contact 2 jam lalu");

  const counts = {};
  for (const s of Object.values(expected.units)) counts[s] = (counts[s] || 0) + 1;
  const summary = await page.$$eval(".summary span", (els) => els.map((e) => e.textContent));
  for (const [label, s] of [["AMAN", "ok"], ["PERINGATAN", "warn"], ["TERLAMBAT", "late"],
                            ["TANPA KABAR", "silent"]]) {
    check(summary.includes(`${label}: ${counts[s] || 0}`), `summary ${label}: ${summary}`);
  }

  // The mesh graph: every node once, with its kind; edges with their link state's colour.
  const nodes = await page.$$eval("#mesh circle.node", (els) =>
    els.map((e) => ({ id: e.dataset.id, kind: e.classList[1], fill: e.getAttribute("fill") }))
  );
  const ids = nodes.map((n) => n.id).sort();
  check(JSON.stringify(ids) === JSON.stringify([...expected.nodes].sort()),
        `graph nodes ${ids}, want ${[...expected.nodes].sort()}`);
  const kind = Object.fromEntries(nodes.map((n) => [n.id, n.kind]));
  check(kind[expected.sink] === "aggregator", "the sink is drawn as the aggregator");
  check(kind["diskominfo"] === "relay" && kind["diskominfo-backup"] === "relay", "two relays");
  check(kind["gw-setda"] === "gateway", "gw-setda is a gateway");
  const edge = async (from, to) =>
    page.$eval(`#mesh line[data-from="${from}"][data-to="${to}"]`,
               (e) => ({ cls: e.getAttribute("class"), stroke: getComputedStyle(e).stroke }));
  const down = await edge("gw-kec-bahar-utara", "diskominfo");
  check(down.cls === "edge down" && down.stroke === "rgb(197, 34, 31)", `down edge ${down.cls}`);
  const fail = await edge("gw-kec-bahar-utara", "diskominfo-backup");
  check(fail.cls === "edge active", `failover edge ${fail.cls}`);
  const stale = await edge("gw-kec-taman-rajo", "diskominfo");
  check(stale.cls === "edge stale", `stale edge ${stale.cls}`);
  const up = await edge("diskominfo", expected.sink);
  check(up.cls === "edge active" && up.stroke === "rgb(30, 126, 52)", `relay edge ${up.cls}`);

  await page.screenshot({ path: shotPath, fullPage: true });

  // Auto-refresh: a report from a new unit shows up without reloading the page.
  execFileSync(addCmd[0], addCmd.slice(1), { stdio: "inherit" });
  try {
    await page.waitForSelector('.tile[data-unit="uji-baru"]', { timeout: 15000 });
  } catch (e) {
    check(false, "the page did not pick up a new unit within 15 s");
  }
  check(foreign.length === 0, `requests to other origins: ${foreign}`);
  check(errors.length === 0, `page errors: ${errors}`);
  await browser.close();
  console.log(failures ? `${failures} check(s) failed` : `all checks passed (${tiles.length} tiles)`);
  process.exit(failures ? 1 : 0);
})().catch((e) => {
  console.log("FAIL: " + (e.stack || e));
  process.exit(1);
});
