#!/usr/bin/env node
// NATS JetStream baseline client for tests/bench/bench_nats.sh (issue 8). Subcommands:
//   setup --leaf URL --hub URL      leaf stream PUNCHES (absen.>, file), hub stream HUB sourcing
//                                   it across the leaf node (domain edge), durable pull consumer
//                                   "bench" on HUB (explicit ack); idempotent
//   pub --url URL --file F --window W --out PREFIX [--linger]
//                                   js.publish of each line of F (one punch a message), at most
//                                   W unacknowledged; stops at the first failed publish. Writes
//                                   PREFIX.times (send-ms TAB ack-ms TAB line, acked lines only)
//                                   and PREFIX.done; with --linger waits for SIGTERM so that the
//                                   caller can read the socket's counters first.
//   sub --url HUB --expect N --out PREFIX --timeout S [--linger]
//                                   the durable consumer: PREFIX.recv (recv-ms TAB line), and in
//                                   PREFIX.done the times the HUB stream (polled every 50 ms)
//                                   and the consumer first held N messages.
//   stats --expect N --sub PREFIX PUBPREFIX...   one line: t0 t_stream t_consumer t_pub p50 p99
//   quiet --url URL --stream S --quiet-s Q --max-s M   prints the message count once it has not
//                                   changed for Q s (or after M s)
//   dump --url URL --stream S       every message of S, one line each (ordered consumer)
// Times are ms on the wall clock (performance.timeOrigin + now): the same clock in every process.
"use strict";
const fs = require("fs");
const { connect, AckPolicy, DeliverPolicy, StorageType, StringCodec } = require("nats");

const sc = StringCodec();
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function args(argv) {
  const o = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) o._.push(argv[i]);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) o[argv[i].slice(2)] = argv[++i];
    else o[argv[i].slice(2)] = true;
  }
  return o;
}

async function addIfMissing(jsm, cfg) {
  try {
    await jsm.streams.info(cfg.name);
  } catch (_) {
    await jsm.streams.add(cfg);
  }
}

async function setup(o) {
  const leaf = await connect({ servers: o.leaf });
  await addIfMissing(await leaf.jetstreamManager(), {
    name: "PUNCHES", subjects: ["absen.>"], storage: StorageType.File, num_replicas: 1,
  });
  await leaf.close();
  const hub = await connect({ servers: o.hub });
  const jsm = await hub.jetstreamManager();
  await addIfMissing(jsm, {
    name: "HUB", storage: StorageType.File, num_replicas: 1,
    sources: [{ name: "PUNCHES", external: { api: "$JS.edge.API", deliver: "" } }],
  });
  await jsm.consumers.add("HUB", {
    durable_name: "bench", ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All,
    max_ack_pending: 20000,
  });
  await hub.close();
}

function linger() {
  return new Promise((r) => {
    process.on("SIGTERM", r);
    process.on("SIGINT", r);
  });
}

async function pub(o) {
  const lines = fs.readFileSync(o.file, "utf8").split("\n").filter((l) => l.length > 0);
  const window = Number(o.window || 256);
  const subject = o.subject || "absen.kec-sekernan";
  // reconnect off: when the leaf dies the publisher stops, like the Mosquitto publishers that
  // are killed with their broker; what it holds acknowledged is what the leaf owes.
  const nc = await connect({ servers: o.url, reconnect: false });
  const js = nc.jetstream({ timeout: 10000 });
  const tsend = new Float64Array(lines.length);
  const tack = new Float64Array(lines.length);
  let next = 0, inflight = 0, failed = null;
  await new Promise((resolve) => {
    const pump = () => {
      while (!failed && inflight < window && next < lines.length) {
        const k = next++;
        inflight++;
        tsend[k] = now();
        js.publish(subject, sc.encode(lines[k]))
          .then(() => { tack[k] = now(); }, (e) => { if (!failed) failed = e; })
          .finally(() => {
            inflight--;
            if (inflight === 0 && (failed || next >= lines.length)) resolve();
            else pump();
          });
      }
    };
    pump();
  });
  const out = [];
  let acked = 0;
  for (let k = 0; k < lines.length; k++) {
    if (tack[k] > 0) { out.push(`${tsend[k]}\t${tack[k]}\t${lines[k]}`); acked++; }
  }
  fs.writeFileSync(`${o.out}.times`, out.length ? out.join("\n") + "\n" : "");
  const err = failed ? String(failed.message || failed).replace(/\s+/g, " ") : "";
  fs.writeFileSync(`${o.out}.done`, `${acked} ${lines.length} ${err}\n`);
  if (o.linger && !nc.isClosed()) await linger();
  if (!nc.isClosed()) await nc.close();
}

async function sub(o) {
  const expect = Number(o.expect);
  const nc = await connect({ servers: o.url });
  const jsm = await nc.jetstreamManager();
  const consumer = await nc.jetstream().consumers.get("HUB", "bench");
  let tStream = 0, tCons = 0, n = 0, polling = false;
  const poll = setInterval(async () => {
    if (tStream || polling) return;
    polling = true;
    try {
      const si = await jsm.streams.info("HUB");
      if (si.state.messages >= expect && !tStream) tStream = now();
    } catch (_) { /* the next poll tries again */ }
    polling = false;
  }, 50);
  const recv = [];
  const msgs = await consumer.consume({ max_messages: 1024 });
  const timer = setTimeout(() => msgs.stop(), Number(o.timeout || 60) * 1000);
  for await (const m of msgs) {
    recv.push(`${now()}\t${sc.decode(m.data)}`);
    m.ack();
    if (++n >= expect) { tCons = now(); break; }
  }
  clearTimeout(timer);
  while (!tStream && n >= expect) await sleep(10);  // poll timer sets it within 50 ms
  clearInterval(poll);
  await nc.flush();  // the acks
  fs.writeFileSync(`${o.out}.recv`, recv.join("\n") + "\n");
  fs.writeFileSync(`${o.out}.done`, `${n} ${tStream} ${tCons}\n`);
  if (o.linger) await linger();
  await nc.close();
}

function pct(sorted, p) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function stats(o) {
  const sent = new Map();
  let t0 = Infinity, tPub = 0;
  for (const p of o._.slice(1)) {
    for (const l of fs.readFileSync(`${p}.times`, "utf8").split("\n")) {
      if (!l) continue;
      const a = l.indexOf("\t"), b = l.indexOf("\t", a + 1);
      const ts = l.slice(0, a), ta = l.slice(a + 1, b), line = l.slice(b + 1);
      sent.set(line, Number(ts));
      t0 = Math.min(t0, Number(ts));
      tPub = Math.max(tPub, Number(ta));
    }
  }
  const [, tStream, tCons] = fs.readFileSync(`${o.sub}.done`, "utf8").trim().split(" ").map(Number);
  const lat = [];
  const seen = new Set();
  for (const l of fs.readFileSync(`${o.sub}.recv`, "utf8").split("\n")) {
    if (!l) continue;
    const tab = l.indexOf("\t");
    const line = l.slice(tab + 1);
    if (seen.has(line) || !sent.has(line)) continue;
    seen.add(line);
    lat.push(Number(l.slice(0, tab)) - sent.get(line));
  }
  lat.sort((a, b) => a - b);
  const s = (t) => (t > 0 ? ((t - t0) / 1000).toFixed(3) : "0");
  console.log([t0.toFixed(1), s(tStream), s(tCons), s(tPub), pct(lat, 50).toFixed(1),
    pct(lat, 99).toFixed(1), seen.size].join(" "));
}

async function quiet(o) {
  const nc = await connect({ servers: o.url, maxReconnectAttempts: -1 });
  const jsm = await nc.jetstreamManager();
  const t0 = now();
  let last = -1, since = now();
  for (;;) {
    let c = last;
    try { c = (await jsm.streams.info(o.stream)).state.messages; } catch (_) { /* retry */ }
    if (c !== last) { last = c; since = now(); }
    if (now() - since >= Number(o["quiet-s"]) * 1000 || now() - t0 >= Number(o["max-s"]) * 1000) break;
    await sleep(200);
  }
  console.log(last);
  await nc.close();
}

async function dump(o) {
  const nc = await connect({ servers: o.url });
  const js = nc.jetstream();
  const total = (await (await nc.jetstreamManager()).streams.info(o.stream)).state.messages;
  const out = [];
  if (total > 0) {
    const c = await js.consumers.get(o.stream);  // ordered consumer
    const msgs = await c.consume();
    for await (const m of msgs) {
      out.push(sc.decode(m.data));
      if (m.info.pending === 0) break;
    }
  }
  process.stdout.write(out.length ? out.join("\n") + "\n" : "");
  await nc.close();
}

const o = args(process.argv.slice(2));
const cmds = { setup, pub, sub, stats, quiet, dump };
const cmd = cmds[o._[0]];
if (!cmd) {
  console.error(`usage: bench_nats.js ${Object.keys(cmds).join("|")} ...`);
  process.exit(64);
}
Promise.resolve(cmd(o)).then(() => process.exit(0), (e) => {
  console.error(`bench_nats.js ${o._[0]}: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
